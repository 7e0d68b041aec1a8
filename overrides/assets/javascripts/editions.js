// Plain builds: show the edition label from main.html where mike editions show the version selector.
(() => {
  const label = document.getElementById("report-edition");
  const topic = document.querySelector(".md-header__topic");
  if (label && topic && !topic.querySelector(".report-edition")) {
    topic.appendChild(label.content.cloneNode(true));
  }
})();
