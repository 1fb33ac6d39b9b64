// Behaviour that pages would otherwise write inline: the Content-Security-Policy allows only scripts
// served by Lindung itself (docs/security.md).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});
