import { registry } from "@web/core/registry";

// A one-page PDF, as a citizen's scanner would produce it.
const PDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF";

registry.category("web_tour.tours").add("teleservice_portal_follow_tour", {
    steps: () => [
        {
            content: "Open “Mes demandes” from the citizen's home",
            trigger: ".o_portal_index_card a[href='/my/demandes']",
            run: "click",
        },
        {
            content: "Open the accepted request",
            trigger: ".o_request_row:contains('DEM-TOUR-VALIDE') a",
            run: "click",
        },
        {
            content: "Its state in plain words, and the accusé de réception in its history",
            trigger: ".o_request_state[data-state='validated']",
        },
        {
            trigger: ".o_request_history .o_request_message:contains('accusons réception')",
        },
        {
            content: "Back to the list",
            trigger: ".breadcrumb a[href='/my/demandes']",
            run: "click",
        },
        {
            content: "Only the requests waiting for my answer",
            trigger: "#portal_searchbar_filters",
            run: "click",
        },
        {
            trigger: "[aria-labelledby='portal_searchbar_filters'] a:contains('En attente de ma réponse')",
            run: "click",
        },
        {
            content: "Open the incomplete request",
            trigger: ".o_request_row:contains('DEM-TOUR-INCOMPLETE') a",
            run: "click",
        },
        {
            content: "The service's note says what is missing",
            trigger: ".o_request_history .o_request_message:contains('Il manque le justificatif de domicile')",
        },
        {
            content: "Answer the note",
            trigger: ".o_request_answer_form textarea[name='body']",
            run: "edit Voici ma quittance de loyer de ce mois-ci.",
        },
        {
            content: "Add the missing justificatif (two pages)",
            trigger: ".o_request_answer_form input[name='files']",
            run() {
                const transfer = new DataTransfer();
                for (const name of ["quittance-1.pdf", "quittance-2.pdf"]) {
                    transfer.items.add(new File([PDF], name, { type: "application/pdf" }));
                }
                this.anchor.files = transfer.files;
            },
        },
        {
            content: "Send the answer",
            trigger: ".o_request_answer_submit",
            run: "click",
        },
        {
            content: "The request is rectified, the answer is in the history",
            trigger: ".o_request_answered",
        },
        {
            trigger: ".o_request_state[data-state='rectified']",
        },
        {
            trigger: ".o_request_history .o_request_message:contains('Voici ma quittance de loyer')",
        },
        {
            trigger: ".o_request_justificatif a:contains('quittance-2.pdf')",
        },
    ],
});
