import { onMounted, onWillUnmount } from "@odoo/owl";
import { registry } from "@web/core/registry";
import {
    ProgressBarField,
    progressBarField,
} from "@web/views/fields/progress_bar/progress_bar_field";

/**
 * The progress bar of a background job (collectivite.job): while the job is
 * pending or running, the record is read again every two seconds.
 */
export class CollectiviteJobProgressField extends ProgressBarField {
    setup() {
        super.setup();
        onMounted(() => {
            this.timer = setInterval(() => {
                const record = this.props.record;
                if (["pending", "running"].includes(record.data.state) && !record.dirty) {
                    record.load();
                }
            }, 2000);
        });
        onWillUnmount(() => clearInterval(this.timer));
    }
}

registry.category("fields").add("collectivite_job_progress", {
    ...progressBarField,
    component: CollectiviteJobProgressField,
});
