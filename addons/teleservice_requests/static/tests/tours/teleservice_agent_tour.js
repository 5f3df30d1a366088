import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("teleservice_agent_tour", {
    steps: () => [
        {
            content: "The new requests are listed on the dashboard, the late one in red",
            trigger: ".o_kanban_record:contains('Nouvelles demandes') .o_teleservice_dashboard_line.text-danger:contains('DEM-TOUR-0001')",
        },
        {
            content: "Open the request from its line",
            trigger: ".o_kanban_record:contains('Nouvelles demandes') .o_teleservice_dashboard_line:contains('DEM-TOUR-0001')",
            run: "click",
        },
        {
            content: "The request is open, titled by its number, the dashboard in the breadcrumbs",
            trigger: ".o_form_view .o_field_widget[name='form_title']:contains('DEM-TOUR-0001')",
        },
        {
            trigger: ".o_breadcrumb:contains('Tâches')",
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
            content: "The data read as a form: one value column",
            trigger: ".o_field_widget[name='value_ids'] .o_data_row:contains('Enfant') .o_collectivite_value:contains('Léo')",
        },
        {
            content: "Edit the multiple choice line",
            trigger: ".o_field_widget[name='value_ids'] .o_data_row:contains('Régimes') .o_collectivite_value_label",
            run: "click",
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
            content: "The request is marked complete before it is validated",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Complète')",
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
