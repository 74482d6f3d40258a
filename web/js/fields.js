// Fields and forms drawn the same way on every page: a field's error sits in the field,
// in the person's language, is read out with it (aria-describedby) and marks the control
// invalid, so a screen reader hears what is seen.

import { h } from "./dom.js";

// Shows (or, given nothing, clears) a message in a field's error line: the box is marked
// invalid and so are its controls (one input, or every radio of a group).
export function fieldError(box, error, controls, format = (message) => message) {
  const marked = controls instanceof Element ? [controls] : [...controls];
  return (message) => {
    box.classList.toggle("field-invalid", Boolean(message));
    error.hidden = !message;
    error.textContent = message ? format(message) : "";
    for (const control of marked) {
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }
  };
}

// A labelled field: label, hint (if any, as `${id}-hint`), error line (`${id}-error`), the
// control, then whatever follows it (a status line, a toggle). The control says itself
// which of the hint and error describe it.
export function labelledField({ id, label, hint, control, after = null, dataset, format }) {
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const element = h("div", { class: "field", dataset }, h("label", { class: "label", for: id }, label), hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null, error, control, after);
  return { element, input: control, setError: fieldError(element, error, control, format) };
}

// A form the page checks itself: the browser's own checks are off (novalidate), so that
// problems show in the fields, and sending it runs onSubmit instead of loading a page.
export function checkedForm(attrs, onSubmit, ...children) {
  const submitted = (event) => {
    event.preventDefault();
    return onSubmit(event);
  };
  return h("form", { ...attrs, novalidate: true, onsubmit: submitted }, ...children);
}
