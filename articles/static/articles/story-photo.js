// The body editor's "photo" button: one of the story's photos placed between paragraphs. The body keeps only
// <figure data-photo="<id>"></figure> (articles/richtext.py); the story page shows the photo there with its
// renditions, caption and credit (articles/body_photos.py). The photos offered are the rows of the form's
// Photos inline as they are now, so a photo just picked there can be placed before the story is saved.
// Loaded by django-prose-editor's configurable preset (settings.DJANGO_PROSE_EDITOR_EXTENSIONS).
import { Node } from "django-prose-editor/editor"

// The newsroom member's language: story-form.js gives window.gettext the editor's labels.
const say = (text) => (window.gettext ? window.gettext(text) : text)

function storyPhotos() {
  const rows = document.querySelectorAll("#story_photos-group tr.form-row:not(.empty-form)")
  return Array.from(rows).flatMap((row) => {
    const select = row.querySelector("select[name$='-photo']")
    const removed = row.querySelector("input[name$='-DELETE']")
    if (!select || !select.value || (removed && removed.checked)) return []
    const option = select.selectedOptions[0]
    const thumbnail = row.querySelector("td.field-preview img, img.photo-choice__thumbnail")
    return [{ id: select.value, label: option ? option.textContent.trim() : `#${select.value}`, thumbnail }]
  })
}

function element(tag, properties = {}, ...children) {
  const made = Object.assign(document.createElement(tag), properties)
  made.append(...children)
  return made
}

function thumbnailOf(photo) {
  return photo.thumbnail
    ? element("img", { src: photo.thumbnail.currentSrc || photo.thumbnail.src, alt: "", className: "story-photo-choice__thumbnail" })
    : ""
}

function showPlaceholder(dom, photoId) {
  const photo = storyPhotos().find((candidate) => candidate.id === String(photoId))
  dom.replaceChildren(
    photo ? thumbnailOf(photo) : "",
    element("figcaption", { textContent: photo ? `${say("Photo")}: ${photo.label}` : say("Photo not attached") }),
  )
  dom.classList.toggle("story-photo-placeholder--missing", !photo)
}

let dialogCount = 0

function choosePhoto(editor) {
  const photos = storyPhotos()
  const headingId = `story-photo-dialog-${++dialogCount}`
  const dialog = element("dialog", { className: "story-photo-dialog" })
  dialog.setAttribute("aria-labelledby", headingId)
  const choices = photos.map((photo) => {
    const choice = element("button", { type: "button", className: "story-photo-choice" }, thumbnailOf(photo), element("span", { textContent: photo.label }))
    choice.addEventListener("click", () => {
      dialog.close()
      editor.chain().focus().insertContent({ type: "storyPhoto", attrs: { photo: photo.id } }).run()
    })
    return element("li", {}, choice)
  })
  const cancel = element("button", { type: "button", className: "button", textContent: say("Cancel") })
  cancel.addEventListener("click", () => dialog.close())
  dialog.append(
    element("h2", { id: headingId, textContent: say("Choose a photo") }),
    photos.length ? element("ul", { className: "story-photo-dialog__choices" }, ...choices) : element("p", { textContent: say("No photos yet") }),
    element("p", {}, cancel),
  )
  dialog.addEventListener("close", () => dialog.remove())
  document.body.append(dialog)
  dialog.showModal()
}

export const StoryPhoto = Node.create({
  name: "storyPhoto",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,

  addAttributes() {
    return {
      photo: {
        default: null,
        parseHTML: (figure) => figure.getAttribute("data-photo"),
        renderHTML: (attributes) => ({ "data-photo": attributes.photo }),
      },
    }
  },

  parseHTML() {
    return [{ tag: "figure[data-photo]" }]
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes]
  },

  addNodeView() {
    return ({ node }) => {
      const dom = element("figure", { className: "story-photo-placeholder", contentEditable: "false" })
      dom.dataset.photo = node.attrs.photo
      showPlaceholder(dom, node.attrs.photo)
      return { dom }
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "storyPhoto",
      groups: "nodes",
      button: buttons.material("add_photo_alternate", "photo from this story"),
      command: choosePhoto,
    })
  },
})
