/** @odoo-module */
// The back office shows and reads times in the user's own time zone (their
// preferences: Europe/Paris for a collectivité's agents), as the e-mails,
// letters and PDF reports do, whatever zone the browser runs in: an agent on
// a shared or misconfigured workstation sees the hour the citizen was told.
import { user } from "@web/core/user";

const { Settings } = luxon;

if (user.tz) {
    Settings.defaultZone = user.tz;
}
