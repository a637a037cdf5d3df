// The only script: a switch marked data-autosubmit saves as soon as it is flipped.
// Without JavaScript the form's Save button does the same.
document.addEventListener('change', function (event) {
  var input = event.target;
  if (input.matches && input.matches('input[data-autosubmit]') && input.form) {
    input.form.submit();
  }
});

// After a save the page comes back with a status message; focus returns to the switch that was
// saved (it carries autofocus), also where a browser leaves focus on the page after the redirect.
document.addEventListener('DOMContentLoaded', function () {
  var target = document.querySelector('input[autofocus]');
  if (target && document.activeElement !== target) {
    target.focus();
  }
});
