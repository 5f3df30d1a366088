import { registry } from "@web/core/registry";

function setValue(selector, value) {
    const input = document.querySelector(selector);
    input.value = value;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

function submitStep(title) {
    return {
        content: `Save the step ${title}`,
        trigger: ".o_teleservice_step_form button[type=submit]",
        run: "click",
    };
}

registry.category("web_tour.tours").add("teleservice_portal_canteen_tour", {
    steps: () => [
        {
            content: "Open the canteen enrolment in the catalogue",
            trigger: ".o_teleservice_card a:contains('Inscription à la restauration scolaire')",
            run: "click",
        },
        {
            content: "Choose the child",
            trigger: ".o_teleservice_start_form label:contains('Léa Martin')",
            run: "click",
        },
        {
            trigger: ".o_teleservice_start_form button[type=submit]",
            run: "click",
        },
        {
            content: "The first step is about the child",
            trigger: ".o_teleservice_form h1:contains('Enfant')",
        },
        {
            content: "Choose the school from the referential",
            trigger: ".o_teleservice_step_form select",
            run: "selectByLabel Jules Ferry",
        },
        submitStep("Enfant"),
        {
            content: "The canteen step",
            trigger: ".o_teleservice_form h1:contains('Restauration')",
        },
        {
            content: "The PAI is hidden without an allergy",
            trigger: ".o_teleservice_step_form .o_teleservice_field[hidden] input[type=file]:not(:visible)",
        },
        {
            trigger: ".o_teleservice_step_form label:contains('Standard')",
            run: "click",
        },
        {
            trigger: ".o_teleservice_step_form input[inputmode=decimal]",
            run: "edit 4",
        },
        {
            trigger: ".o_teleservice_step_form input[type=date]",
            run() {
                setValue(".o_teleservice_step_form input[type=date]", "2027-01-04");
            },
        },
        submitStep("Restauration"),
        {
            content: "Take the proof of address from the household's documents",
            trigger: ".o_teleservice_justificatifs_form label:contains('Facture d’électricité')",
            run: "click",
        },
        {
            content: "A refused document shows the agent's comment",
            trigger: ".o_teleservice_unusable:contains('Document illisible')",
        },
        {
            trigger: ".o_teleservice_justificatifs_form button[type=submit]",
            run: "click",
        },
        {
            content: "The summary shows everything",
            trigger: ".o_teleservice_form:contains('École élémentaire Jules Ferry'):contains('Facture d’électricité')",
        },
        {
            trigger: ".o_teleservice_submit_form button[type=submit]",
            run: "click",
        },
        {
            content: "The request is sent",
            trigger: ".o_teleservice_sent h1",
        },
    ],
});

registry.category("web_tour.tours").add("teleservice_portal_birth_certificate_tour", {
    steps: () => [
        {
            content: "Open the birth certificate in the catalogue",
            trigger: ".o_teleservice_card a:contains('acte de naissance')",
            run: "click",
        },
        {
            trigger: "#visitor_name",
            run: "edit Jeanne Visiteuse",
        },
        {
            trigger: "#visitor_email",
            run: "edit jeanne.visiteuse@example.org",
        },
        {
            trigger: ".o_teleservice_anonymous_form button[type=submit]",
            run: "click",
        },
        {
            content: "The person concerned",
            trigger: ".o_teleservice_form h1:contains('Personne concernée')",
        },
        {
            trigger: ".o_teleservice_step_form .o_teleservice_field:eq(0) input",
            run: "edit Visiteuse",
        },
        {
            trigger: ".o_teleservice_step_form .o_teleservice_field:eq(1) input",
            run: "edit Jeanne Marie",
        },
        {
            trigger: ".o_teleservice_step_form input[type=date]",
            run() {
                setValue(".o_teleservice_step_form input[type=date]", "1990-02-03");
            },
        },
        submitStep("Personne concernée"),
        {
            content: "The certificate asked for",
            trigger: ".o_teleservice_form h1:contains('Demande')",
        },
        {
            trigger: ".o_teleservice_step_form select",
            run: "selectByLabel Copie intégrale",
        },
        {
            trigger: ".o_teleservice_step_form input[inputmode=decimal]",
            run: "edit 1",
        },
        submitStep("Demande"),
        {
            trigger: ".o_teleservice_form:contains('Visiteuse') .o_teleservice_submit_form button[type=submit]",
            run: "click",
        },
        {
            content: "The visitor gets a tracking code and a private link",
            trigger: ".o_teleservice_sent .o_teleservice_tracking_code",
        },
        {
            trigger: ".o_teleservice_sent a.o_teleservice_tracking_link",
            run: "click",
        },
        {
            content: "The follow-up page shows the state",
            trigger: ".o_teleservice_tracking_state:contains('En attente')",
        },
    ],
});
