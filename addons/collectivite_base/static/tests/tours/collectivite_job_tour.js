import { registry } from "@web/core/registry";

// The form of a running background job shows its progress bar (see
// tests/test_job_http.py).
registry.category("web_tour.tours").add("collectivite_job_progress", {
    steps: () => [
        {
            content: "The job's progress bar",
            trigger: ".o_field_collectivite_job_progress .o_progressbar",
        },
        {
            content: "40 % done",
            trigger: ".o_field_collectivite_job_progress:contains(40)",
        },
    ],
});

// The notice of a job that started opens the job; the user menu lists the
// user's jobs (see tests/test_job_http.py).
registry.category("web_tour.tours").add("collectivite_job_notice", {
    steps: () => [
        {
            content: "The start notice opens the job",
            trigger: ".o_notification:contains(Recalcul des délais) button:contains(Ouvrir le travail)",
            // (the notice comes through the bus, a busy machine may take its time)
            timeout: 30000,
            run: "click",
        },
        {
            content: "The job's form, with its progress bar",
            trigger: ".modal .o_form_view:contains(Recalcul des délais) .o_field_collectivite_job_progress",
        },
        {
            content: "Close it",
            trigger: ".modal .modal-footer button:contains(Fermer)",
            run: "click",
        },
        {
            content: "The user menu",
            trigger: "body:not(:has(.modal)) .o_user_menu button",
            run: "click",
        },
        {
            content: "My background jobs",
            trigger: ".dropdown-item:contains(Mes travaux en arrière-plan)",
            run: "click",
        },
        {
            content: "The job in the list of the user's jobs",
            trigger: ".o_list_view .o_data_row:contains(Recalcul des délais)",
        },
    ],
});
