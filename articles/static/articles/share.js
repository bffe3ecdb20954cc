// 이 기사를 공유합니다: the phone's share sheet, copy the link, print, share in a small window, KakaoTalk.
//
// The links work without this script. The messages readers see come from the
// template's data-*-message attributes, so they are translated with the page.
//
// With a Kakao JavaScript key set in the admin, the KakaoTalk button loads
// Kakao's SDK from https://t1.kakaocdn.net on click; story pages then allow
// that host in their CSP (ktnews/security.py, allow_kakao_sdk), and a failure to
// load it falls back to the share sheet. Without a key nothing from Kakao is
// loaded: where the browser has a share sheet (navigator.share, which lists
// KakaoTalk on phones that have it) the KakaoTalk button opens that instead of
// the template's plain KakaoStory link.

const KAKAO_SDK = {
  src: "https://t1.kakaocdn.net/kakao_js_sdk/2.7.4/kakao.min.js",
  integrity: "sha384-DKYJZ8NLiK8MN4/C5P2dtSmLQ4KwPaoqAfyA/DfmEc1VDxu4yyC7wy6K1Hs90nka",
};
const POPUP = { width: 600, height: 560 };
const FEEDBACK_MS = 6000;
// On phones a "popup" is just another tab: let target=_blank do that.
const POPUPS_MAKE_SENSE = "(min-width: 48rem) and (pointer: fine)";

/** Wires every `[data-share]` widget on the page. */
export function initShare(root) {
  for (const widget of root.querySelectorAll("[data-share]")) setUpShare(widget);
}

function setUpShare(widget) {
  const url = widget.dataset.shareUrl;
  const feedback = widget.querySelector("[data-share-feedback]");
  const say = (message) => announce(feedback, message);

  const copy = widget.querySelector("[data-copy-link]");
  if (copy && url) {
    copy.addEventListener("click", () => copyLink(url, copy, say));
    copy.hidden = false;
  }

  const print = widget.querySelector("[data-print]");
  if (print && typeof window.print === "function") {
    print.addEventListener("click", () => window.print());
    print.hidden = false;
  }

  for (const link of widget.querySelectorAll("a[data-share-popup]")) {
    link.addEventListener("click", openInPopup);
  }

  const native = widget.querySelector("[data-share-native]");
  if (native && url && hasShareSheet()) {
    native.addEventListener("click", () => shareThroughSheet(widget, native, say));
    native.hidden = false;
  }

  const kakao = widget.querySelector("[data-share-kakao]");
  if (kakao && url && widget.dataset.kakaoKey) {
    kakao.addEventListener("click", () => shareOnKakao(widget, kakao, say));
    kakao.hidden = false;
  } else if (kakao && url && hasShareSheet()) {
    kakao.addEventListener("click", () => shareThroughSheet(widget, kakao, say));
    kakao.hidden = false;
    const kakaoStory = widget.querySelector("[data-share-kakao-story]");
    if (kakaoStory) kakaoStory.hidden = true;
  }
}

function hasShareSheet() {
  return typeof navigator.share === "function";
}

/** The device's own share sheet (navigator.share): KakaoTalk, messages, mail and the rest installed. */
async function shareThroughSheet(widget, button, say) {
  try {
    await navigator.share({ title: widget.dataset.shareTitle || document.title, url: widget.dataset.shareUrl });
  } catch (error) {
    // Closing the sheet without choosing is no failure.
    if (error?.name !== "AbortError") say(button.dataset.unavailableMessage);
  }
}

async function copyLink(url, button, say) {
  if (await writeToClipboard(url)) {
    say(button.dataset.copiedMessage);
  } else if (typeof window.prompt === "function") {
    // Last resort: the reader copies it from a selected text field.
    window.prompt(button.dataset.copyPrompt, url);
  } else {
    say(button.dataset.copyFailedMessage);
  }
}

async function writeToClipboard(text) {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused or not a secure context: try the old way.
    }
  }
  return copyThroughSelection(text);
}

// Older browsers and in-app browsers: copy a selected, off-screen, read-only field.
function copyThroughSelection(text) {
  const field = document.createElement("input");
  field.value = text;
  field.readOnly = true;
  field.className = "visually-hidden";
  field.setAttribute("aria-hidden", "true");
  field.tabIndex = -1;
  const focused = document.activeElement;
  document.body.append(field);
  field.select();
  let copied = false;
  try {
    copied = document.execCommand("copy");
  } catch {
    copied = false;
  }
  field.remove();
  focused?.focus?.({ preventScroll: true });
  return copied;
}

let clearFeedback;

/** Puts `message` in the role=status region; emptied first so that the same message is announced again. */
function announce(region, message) {
  if (!region || !message) return;
  clearTimeout(clearFeedback);
  region.textContent = "";
  requestAnimationFrame(() => {
    region.textContent = message;
    clearFeedback = setTimeout(() => {
      region.textContent = "";
    }, FEEDBACK_MS);
  });
}

function openInPopup(event) {
  const link = event.currentTarget;
  const ownWay = event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
  if (event.defaultPrevented || ownWay || !window.matchMedia(POPUPS_MAKE_SENSE).matches) return;
  const left = Math.round(window.screenX + (window.outerWidth - POPUP.width) / 2);
  const top = Math.round(window.screenY + (window.outerHeight - POPUP.height) / 3);
  const features = `popup,width=${POPUP.width},height=${POPUP.height},left=${left},top=${top}`;
  const popup = window.open(link.href, "ktnews-share", features);
  if (!popup) return; // blocked: the link opens in a new tab as it would without the script
  try {
    popup.opener = null; // what rel=noopener would have done
  } catch {
    // Already cross-origin, so already cut off.
  }
  event.preventDefault();
}

let kakaoSdk;

/** Kakao's SDK, loaded the first time a reader asks to share on KakaoTalk, never before. */
function loadKakaoSdk() {
  kakaoSdk ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = KAKAO_SDK.src;
    script.integrity = KAKAO_SDK.integrity;
    script.crossOrigin = "anonymous";
    script.referrerPolicy = "strict-origin-when-cross-origin";
    script.addEventListener("load", () => (window.Kakao ? resolve(window.Kakao) : reject(new Error("No Kakao"))));
    script.addEventListener("error", () => {
      kakaoSdk = undefined; // let a later click try again
      script.remove();
      reject(new Error(`Could not load ${KAKAO_SDK.src}`));
    });
    document.head.append(script);
  });
  return kakaoSdk;
}

async function shareOnKakao(widget, button, say) {
  const url = widget.dataset.shareUrl;
  try {
    const Kakao = await loadKakaoSdk();
    if (!Kakao.isInitialized()) Kakao.init(widget.dataset.kakaoKey);
    Kakao.Share.sendDefault({
      objectType: "feed",
      content: {
        title: widget.dataset.shareTitle || document.title,
        link: { mobileWebUrl: url, webUrl: url },
      },
    });
  } catch (error) {
    console.warn(error);
    if (hasShareSheet()) shareThroughSheet(widget, button, say);
    else say(button.dataset.unavailableMessage);
  }
}
