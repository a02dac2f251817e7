// Filter forms apply on change, so keyboard and mouse users need no extra click.
// Without JavaScript the "Apply" button does the same.
document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
  form.addEventListener("change", function () {
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });
});
