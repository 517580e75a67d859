// The waiver form (GET /api/v1.0/waivers/new): submits the fields as JSON with the page's
// anti-forgery token and shows the outcome. Every text from the user or the server is
// inserted with textContent, never as markup.
"use strict";

(function () {
    const form = document.getElementById("new-waiver-form");
    if (!form) {
        return;
    }

    const result = document.getElementById("waiver-result");
    const fields = ["subject_type", "subject_identifier", "testcase", "product_version", "comment", "scenario"];

    function clear(element) {
        while (element.firstChild) {
            element.removeChild(element.firstChild);
        }
    }

    function show(kind, nodes) {
        clear(result);
        nodes.forEach(function (node) { result.appendChild(node); });
        result.className = "alert " + (kind === "success" ? "alert-success" : "alert-danger");
        result.setAttribute("role", kind === "success" ? "status" : "alert");
        result.focus();
    }

    function text(value) {
        return document.createTextNode(String(value));
    }

    function link(href, label) {
        const a = document.createElement("a");
        a.href = href;
        a.textContent = label;
        return a;
    }

    function fieldErrors(errors) {
        let shown = false;
        (errors || []).forEach(function (error) {
            const name = Array.isArray(error.loc) ? error.loc[error.loc.length - 1] : null;
            const target = typeof name === "string" ? document.getElementById(name + "-error") : null;
            if (target) {
                target.textContent = error.msg;
                target.classList.remove("d-none");
                const input = document.getElementById(name);
                if (input) {
                    input.setAttribute("aria-invalid", "true");
                }
                shown = true;
            }
        });
        return shown;
    }

    form.addEventListener("submit", function (event) {
        event.preventDefault();
        fields.forEach(function (name) {
            const target = document.getElementById(name + "-error");
            target.textContent = "";
            target.classList.add("d-none");
            document.getElementById(name).removeAttribute("aria-invalid");
        });

        const body = {};
        fields.forEach(function (name) {
            const value = form.elements[name].value;
            // An empty optional field is no value at all (the API refuses a blank scenario).
            if (name !== "scenario" || value !== "") {
                body[name] = value;
            }
        });
        const testcase = body.testcase;
        const submit = form.querySelector("button[type=submit]");
        submit.disabled = true;

        fetch(form.action, {
            method: "POST",
            credentials: "same-origin",
            headers: {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "RequestVerificationToken": form.elements.__RequestVerificationToken.value
            },
            body: JSON.stringify(body)
        }).then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (data) {
                if (response.status === 201) {
                    show("success", [link(form.dataset.waiverPage + data.id, "New waiver created. ID: " + data.id)]);
                    return;
                }

                const message = typeof data.message === "string" ? data.message : response.status + " " + response.statusText;
                if (response.status === 400 && fieldErrors(data.validation_error)) {
                    show("error", [text("Unable to create a waiver: " + message)]);
                } else if (response.status === 403) {
                    const permissions = form.dataset.permissions + "?html=1&testcase=" + encodeURIComponent(testcase);
                    show("error", [text("403 Forbidden: " + message), document.createElement("br"),
                        link(permissions, "See who has permission to waive " + testcase + " test case.")]);
                } else {
                    show("error", [text("Unable to create a waiver: " + message)]);
                }
            });
        }).catch(function () {
            show("error", [text("Unable to create a waiver: the server could not be reached.")]);
        }).finally(function () {
            submit.disabled = false;
        });
    });
}());
