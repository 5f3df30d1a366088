/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// An agent creates a household at the counter with its members, then validates it.
registry.category("web_tour.tours").add("household_accounts_counter", {
    url: "/odoo/action-household_accounts.collectivite_household_action_counter",
    steps: () => [
        {
            content: "Street",
            trigger: ".o_form_view .o_field_widget[name='street'] input",
            run: "edit rue des Écoles",
        },
        {
            content: "Zip code",
            trigger: ".o_form_view .o_field_widget[name='zip'] input",
            run: "edit 95300",
        },
        {
            content: "Town",
            trigger: ".o_form_view .o_field_widget[name='city'] input",
            run: "edit Pontoise",
        },
        {
            content: "Add the responsible",
            trigger: "div[name='member_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Last name",
            trigger: "div[name='member_ids'] .o_selected_row [name='lastname'] input",
            run: "edit Moulin",
        },
        {
            content: "First name",
            trigger: "div[name='member_ids'] .o_selected_row [name='firstname'] input",
            run: "edit Lucas",
        },
        {
            content: "Role",
            trigger: "div[name='member_ids'] .o_selected_row [name='household_role'] select",
            run: 'select "responsible"',
        },
        ...stepUtils.saveForm(),
        {
            content: "The household has its account number",
            trigger: ".o_form_view .o_field_widget[name='name']:contains('F')",
        },
        {
            content: "Validate",
            trigger: ".o_form_view button[name='action_validate']",
            run: "click",
        },
        {
            content: "The household is valid",
            trigger: ".o_statusbar_status button[data-value='valid'][aria-checked='true']",
        },
    ],
});
