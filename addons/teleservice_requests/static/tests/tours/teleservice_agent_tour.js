import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("teleservice_agent_tour", {
    steps: () => [
        {
            content: "Open the new requests from the dashboard",
            trigger: ".o_kanban_record:contains('Nouvelles demandes')",
            run: "click",
        },
        {
            content: "Open the request",
            trigger: ".o_data_row .o_data_cell:contains('DEM-TOUR-0001')",
            run: "click",
        },
        {
            content: "Take the request in charge",
            trigger: ".o_form_statusbar button[name='action_start']",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('En cours')",
        },
        {
            content: "Open the justificatifs",
            trigger: "a.nav-link:contains('Justificatifs')",
            run: "click",
        },
        {
            content: "The justificatifs tab is shown",
            trigger: "a.nav-link.active:contains('Justificatifs')",
        },
        {
            content: "Validate the justificatif",
            trigger: ".o_field_widget[name='justificatif_ids'] .o_data_row:contains('Quittance de loyer') button[name='action_validate']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='justificatif_ids'] .o_data_row:contains('Validé')",
        },
        {
            content: "Open the data",
            trigger: "a.nav-link:contains('Données')",
            run: "click",
        },
        {
            content: "The data tab is shown",
            trigger: "a.nav-link.active:contains('Données')",
        },
        {
            content: "Multiple choices of a check-box tree list are check boxes",
            trigger: ".o_field_widget[name='value_ids'] .o_field_many2many_checkboxes:contains('Sans porc')",
        },
        {
            content: "Validate the data",
            trigger: "button[name='action_validate_data']",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='data_state']:contains('Validées')",
        },
        {
            content: "The request is complete",
            trigger: ".o_form_statusbar button[name='action_mark_complete']",
            run: "click",
        },
        {
            content: "Validate the request",
            trigger: ".o_form_statusbar button[name='action_validate']",
            run: "click",
        },
        {
            content: "The request is validated",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Validée')",
        },
    ],
});
