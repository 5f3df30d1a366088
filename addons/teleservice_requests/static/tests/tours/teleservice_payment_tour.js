import { registry } from "@web/core/registry";

// A citizen pays their canteen enrolment with Odoo's demo provider.
registry.category("web_tour.tours").add("teleservice_payment_tour", {
    url: "/my/paiements",
    steps: () => [
        {
            content: "Open the payment of the canteen enrolment",
            trigger: "a.o_collectivite_pay",
            run: "click",
        },
        {
            content: "The amount is the server's",
            trigger: ".o_collectivite_payment .alert-info:contains('6,00')",
        },
        {
            content: "Card details of the demo provider",
            trigger: "input#customer_input",
            run: "edit 4242",
        },
        {
            content: "Pay",
            trigger: "button[name='o_payment_submit_button']:enabled",
            run: "click",
        },
        {
            content: "Back on the request, paid",
            trigger: "#o_collectivite_payment_paid",
            timeout: 20000,
        },
    ],
});
