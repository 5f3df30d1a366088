/** Shows or hides the conditional fields of a step as the citizen answers
 * (the server decides again on submission: a hidden field is ignored). */
(function () {
    "use strict";
    function answers(form, name) {
        return Array.from(form.querySelectorAll(`[name="${name}"]`))
            .filter((input) => (input.type === "radio" || input.type === "checkbox" ? input.checked : true))
            .map((input) => input.value);
    }
    function refresh(form) {
        form.querySelectorAll("[data-condition-field]").forEach((wrap) => {
            const controller = wrap.dataset.conditionField;
            if (!form.querySelector(`[name="${controller}"]`)) {
                return; // the condition is on another step: the server decided
            }
            const expected = (wrap.dataset.conditionValues || "").split(",");
            const given = answers(form, controller);
            const controlWrap = form.querySelector(`#wrap_${controller}`);
            const shown = !(controlWrap && controlWrap.hidden) && given.some((v) => expected.includes(v));
            wrap.hidden = !shown;
        });
    }
    function setup() {
        document.querySelectorAll("form.o_teleservice_step_form").forEach((form) => {
            form.addEventListener("change", () => refresh(form));
            refresh(form);
        });
        const summary = document.getElementById("error_summary");
        if (summary) {
            summary.focus();
        }
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", setup);
    } else {
        setup();
    }
})();
