// The only script: a switch marked data-autosubmit saves as soon as it is flipped.
// Without JavaScript the form's Save button does the same.
document.addEventListener('change', function (event) {
  var input = event.target;
  if (input.matches && input.matches('input[data-autosubmit]') && input.form) {
    input.form.submit();
  }
});
