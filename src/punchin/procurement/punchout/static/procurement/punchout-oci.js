// OCI: the catalog call goes to the supplier's catalog as soon as the page is read;
// the page's own button does the same for a browser without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("oci-catalog-call");
  if (form) {
    form.submit();
  }
});
