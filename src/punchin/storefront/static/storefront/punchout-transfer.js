// The cart goes back to the purchasing system as soon as the page is read; the
// page's own button does the same for a browser without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("punchout-transfer");
  if (form) {
    form.submit();
  }
});
