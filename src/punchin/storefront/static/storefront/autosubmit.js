// A <select data-autosubmit> submits its form when changed (the filters on staff
// lists); without JavaScript the form's own button does it.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
