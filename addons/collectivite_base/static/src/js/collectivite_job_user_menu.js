import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

/**
 * "My background jobs" in the user menu: every internal user follows the
 * jobs they started (imports, recomputes, synchronisations) there, whether or
 * not they see the Settings menu.
 */
function backgroundJobsItem(env) {
    return {
        type: "item",
        id: "collectivite_jobs",
        description: _t("My background jobs"),
        callback: () => env.services.action.doAction("collectivite_base.collectivite_job_action"),
        sequence: 55,
    };
}

registry.category("user_menuitems").add("collectivite_jobs", backgroundJobsItem);
