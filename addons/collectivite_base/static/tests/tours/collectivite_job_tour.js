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
