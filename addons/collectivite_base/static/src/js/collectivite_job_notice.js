import { simpleNotificationService } from "@bus/simple_notification_service";
import { registry } from "@web/core/registry";

/**
 * Odoo's simple notifications, plus a button opening the background job
 * (collectivite.job) a notice is about: the server sends the job's id and the
 * button's label with the notice (collectivite.job._notify_screen). Every
 * other simple notification is shown as Odoo shows it.
 */
export const collectiviteSimpleNotificationService = {
    ...simpleNotificationService,
    dependencies: ["action", "bus_service", "notification"],
    start(env, { action, bus_service, notification: notificationService }) {
        bus_service.subscribe("simple_notification", (payload) => {
            const { message, sticky, title, type } = payload;
            const jobId = payload.collectivite_job_id;
            const buttons = [];
            let close = () => {};
            if (jobId) {
                buttons.push({
                    name: payload.collectivite_job_button,
                    primary: true,
                    onClick: () => {
                        close();
                        action.doAction({
                            type: "ir.actions.act_window",
                            res_model: "collectivite.job",
                            res_id: jobId,
                            views: [[false, "form"]],
                            target: "new",
                        });
                    },
                });
            }
            close = notificationService.add(message, { sticky, title, type, buttons });
        });
        bus_service.start();
    },
};

registry
    .category("services")
    .add("simple_notification", collectiviteSimpleNotificationService, { force: true });
