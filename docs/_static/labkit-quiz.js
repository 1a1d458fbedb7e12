/*
 * Self-check quizzes (docs/_ext/labkit_quiz.py).  The page holds every feedback, readable without
 * JavaScript; this hides each one until its option is chosen, and keeps the score line up to date.
 * Native radio buttons do the rest: Tab reaches a question, the arrow keys and Space choose an option.
 */
(() => {
  const setUp = (quiz) => {
    const questions = Array.from(quiz.querySelectorAll("fieldset.labkit-quiz-question"));
    const score = quiz.querySelector(".labkit-quiz-score");
    const update = () => {
      let answered = 0;
      let right = 0;
      questions.forEach((question) => {
        let chosen = null;
        question.querySelectorAll(".labkit-quiz-option").forEach((option) => {
          const input = option.querySelector("input.labkit-quiz-input");
          option.querySelector(".labkit-quiz-feedback-body").hidden = !input.checked;
          option.classList.toggle("labkit-quiz-chosen", input.checked);
          if (input.checked) chosen = input.value;
        });
        if (chosen === null) {
          delete question.dataset.state;
          return;
        }
        answered += 1;
        const isRight = chosen === question.dataset.answer;
        if (isRight) right += 1;
        question.dataset.state = isRight ? "right" : "wrong";
      });
      if (score && answered) {
        score.textContent = score.dataset.template
          .replace("{right}", String(right)).replace("{total}", String(questions.length));
        score.hidden = false;
      }
    };
    quiz.classList.add("labkit-quiz-ready");
    quiz.addEventListener("change", update);
    update(); // a browser may restore the choices of a reloaded page
  };
  const start = () => document.querySelectorAll(".labkit-quiz").forEach(setUp);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
