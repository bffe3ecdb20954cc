// 글자 크기: readers step the story's text size; the choice is remembered on this device.

const SCALES = [0.9, 1, 1.15, 1.3, 1.5];
const DEFAULT_STEP = 1;
const STORAGE_KEY = "ktnews:story-text-step";

/** Applies the remembered size to the story and wires the `[data-font-size]` buttons. */
export function initFontSize(root) {
  const story = root.querySelector("[data-story]");
  if (!story) return;
  let step = rememberedStep();
  applyStep(story, step);

  const controls = root.querySelector("[data-font-size]");
  if (!controls) return;
  const buttons = [...controls.querySelectorAll("[data-font-size-step]")];
  markLimits(buttons, step);
  controls.hidden = false;
  controls.addEventListener("click", (event) => {
    const button = event.target.closest("[data-font-size-step]");
    if (!button) return;
    const next = clampStep(step + Number(button.dataset.fontSizeStep));
    if (next === step) return;
    step = next;
    applyStep(story, step);
    markLimits(buttons, step);
    remember(step);
  });
}

function applyStep(story, step) {
  story.style.setProperty("--story-text-scale", String(SCALES[step]));
}

// aria-disabled rather than disabled: a button that vanishes from the tab order
// would drop the keyboard focus of the reader who just pressed it.
function markLimits(buttons, step) {
  for (const button of buttons) {
    const direction = Number(button.dataset.fontSizeStep);
    const atLimit = clampStep(step + direction) === step;
    button.setAttribute("aria-disabled", String(atLimit));
  }
}

function clampStep(step) {
  return Math.min(Math.max(step, 0), SCALES.length - 1);
}

function rememberedStep() {
  try {
    const stored = Number.parseInt(localStorage.getItem(STORAGE_KEY) ?? "", 10);
    return Number.isNaN(stored) ? DEFAULT_STEP : clampStep(stored);
  } catch {
    return DEFAULT_STEP; // storage blocked (private mode, strict settings)
  }
}

function remember(step) {
  try {
    if (step === DEFAULT_STEP) localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, String(step));
  } catch {
    // Not remembered, still applied.
  }
}
