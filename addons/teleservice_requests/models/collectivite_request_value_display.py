from odoo import api, fields, models


class CollectiviteRequestValue(models.Model):
    """How a request's form reads in the back office: each section's title
    above its first line (the "Données" tab and the counter entry)."""

    # One file per concern of the value, on purpose: nothing to merge.
    _inherit = "collectivite.request.value"  # pylint: disable=consider-merging-classes-inherited

    section_start = fields.Boolean(
        string="Section start",
        compute="_compute_section_start",
        help="The first line of its section in the request's form: its title is shown above it.",
    )

    @api.depends("request_id", "sequence", "section")
    def _compute_section_start(self):
        for request, request_lines in self.grouped("request_id").items():
            lines = request.value_ids if request else request_lines
            previous = None
            starts = set()
            for line in lines.sorted("sequence"):
                if line.section != previous:
                    starts.add(line)
                previous = line.section
            for line in request_lines:
                line.section_start = line in starts
