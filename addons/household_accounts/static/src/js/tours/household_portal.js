/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("household_accounts_my_household", {
    url: "/my/household",
    steps: () => [
        {
            content: "My household shows its members",
            trigger: ".o_household_members td:contains('Zoé Dupuis')",
        },
        {
            content: "Open the contact details form",
            trigger: "a.o_household_edit",
            run: "click",
        },
        {
            content: "Type a new phone number",
            trigger: ".o_household_edit_form input[name='phone']",
            run: "edit 01 34 00 00 00",
        },
        {
            content: "Save",
            trigger: ".o_household_edit_form button[type='submit']",
            run: "click",
        },
        {
            content: "The change waits for the town hall",
            trigger: ".o_household_pending_change:contains('01 34 00 00 00')",
        },
        {
            content: "Declare a new child",
            trigger: "a.o_household_add_member",
            run: "click",
        },
        {
            content: "First name",
            trigger: ".o_household_member_form input[name='firstname']",
            run: "edit Nina",
        },
        {
            content: "Last name",
            trigger: ".o_household_member_form input[name='lastname']",
            run: "edit Dupuis",
        },
        {
            content: "Role",
            trigger: ".o_household_member_form select[name='household_role']",
            run: "select child",
        },
        {
            content: "Save",
            trigger: ".o_household_member_form button[type='submit']",
            run: "click",
        },
        {
            content: "A second change is refused while the first waits, the input is kept",
            trigger: ".o_household_error:contains('attend déjà')",
        },
        {
            content: "The input is kept",
            trigger: ".o_household_member_form input[name='firstname']:value(Nina)",
        },
    ],
});
