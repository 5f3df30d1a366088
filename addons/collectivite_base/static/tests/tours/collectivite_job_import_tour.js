import { registry } from "@web/core/registry";

// Rows of the file: more than the rows imported in the request
// (IMPORT_BACKGROUND_ROWS, see tests/test_job_import_http.py).
const ROWS = 1100;

function contactsCsv() {
    const lines = ["name,email"];
    for (let index = 0; index < ROWS; index++) {
        lines.push(`Contact ${index},contact${index}@tour.import.example.org`);
    }
    return lines.join("\n") + "\n";
}

// Odoo's usual import dialog, a large file: the dialog says, in French, that
// the file is imported in the background (the start notice's button is the
// tour collectivite_job_notice's: a notice sent while the page is open comes
// whenever the bus of a test's transaction delivers it).
registry.category("web_tour.tours").add("collectivite_job_import", {
    steps: () => [
        {
            content: "Upload a large CSV file in the import dialog",
            trigger: ".o_control_panel .o_import_file",
            run() {
                const input = document.querySelector(".o_control_panel input[type=file]");
                const transfer = new DataTransfer();
                transfer.items.add(new File([contactsCsv()], "contacts.csv", { type: "text/csv" }));
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The preview of the file",
            trigger: ".o_import_action .o_import_data_content table",
            timeout: 30000,
        },
        {
            content: "Import",
            trigger: ".o_control_panel button.btn-primary:contains(Importer)",
            run: "click",
        },
        {
            content: "The dialog says the file is imported in the background",
            trigger: `.o_import_action .alert-info:contains(Le fichier compte ${ROWS} lignes):contains(arrière-plan)`,
            timeout: 30000,
        },
    ],
});
