/** @odoo-module **/
// The "Données" tab of a request, read as a form: one line per form field, its
// label under its section's title, and one "Value" cell showing the value by its
// type (and, when the line is edited at the counter, the standard field of that
// type: date picker, checkbox, choice list, household member, file).

import { registry } from "@web/core/registry";
import { Field } from "@web/views/fields/field";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { Component } from "@odoo/owl";

// The column of collectivite.request.value holding each field type's value
// (VALUE_FIELDS of models/collectivite_request_value.py).
const VALUE_FIELDS = {
    char: "value_char",
    text: "value_text",
    address: "value_text",
    number: "value_number",
    date: "value_date",
    boolean: "value_boolean",
    choice: "value_choice_id",
    multi_choice: "value_choice_ids",
    member: "value_partner_id",
    file: "value_attachment_id",
};

function fieldNode(name, widget) {
    const node = document.createElement("field");
    node.setAttribute("name", name);
    if (widget) {
        node.setAttribute("widget", widget);
    }
    if (["value_choice_id", "value_partner_id", "value_attachment_id"].includes(name)) {
        node.setAttribute("options", "{'no_create': True, 'no_open': True}");
    }
    if (name === "value_choice_ids" && widget === "many2many_tags") {
        node.setAttribute("options", "{'no_create': True}");
    }
    return node;
}

export class RequestValueField extends Component {
    static template = "teleservice_requests.RequestValueField";
    static components = { Field };
    static props = { ...standardFieldProps };

    setup() {
        this.infos = {};
    }

    get data() {
        return this.props.record.data;
    }

    get editing() {
        return this.props.record.isInEdition && !this.props.readonly;
    }

    get valueFieldName() {
        return VALUE_FIELDS[this.data.field_type];
    }

    get fileUrl() {
        const attachment = this.data.value_attachment_id;
        if (this.data.field_type !== "file" || !attachment) {
            return false;
        }
        return `/web/content/${attachment.id}?download=true`;
    }

    get fileName() {
        return this.data.value_attachment_id?.display_name || "";
    }

    /** The fieldInfo of the value's own column, as the list view would parse it. */
    get valueInfo() {
        const name = this.valueFieldName;
        if (!name) {
            return false;
        }
        let widget = false;
        if (name === "value_choice_ids") {
            widget = this.data.display_mode === "tree" ? "many2many_checkboxes" : "many2many_tags";
        }
        const key = `${name}/${widget}`;
        if (!this.infos[key]) {
            const record = this.props.record;
            const models = { [record.resModel]: { fields: record.fields } };
            this.infos[key] = Field.parseFieldNode(
                fieldNode(name, widget),
                models,
                record.resModel,
                "list"
            );
        }
        return this.infos[key];
    }
}

export const requestValueField = {
    component: RequestValueField,
    displayName: "Typed value of a request's form",
    supportedTypes: ["char"],
    fieldDependencies: [
        { name: "field_type", type: "selection" },
        { name: "display_value", type: "char" },
        { name: "display_mode", type: "selection" },
    ],
};

registry.category("fields").add("collectivite_request_value", requestValueField);

export class RequestValueLabelField extends Component {
    static template = "teleservice_requests.RequestValueLabelField";
    static props = { ...standardFieldProps };

    get data() {
        return this.props.record.data;
    }
}

export const requestValueLabelField = {
    component: RequestValueLabelField,
    displayName: "Label of a request's form field, under its section",
    supportedTypes: ["char"],
    fieldDependencies: [
        { name: "section", type: "char" },
        { name: "section_start", type: "boolean" },
        { name: "required", type: "boolean" },
    ],
};

registry.category("fields").add("collectivite_request_value_label", requestValueLabelField);
