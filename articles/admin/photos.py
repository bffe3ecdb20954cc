"""The photo library in the admin: upload with caption, alt text and credit; attach to stories in order."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from articles.admin.changelists import DateHierarchyAdmin
from articles.admin.story_form import NamedRowsFormSet, ReadOnlyOnLiveStoriesOfReporters
from articles.models import PUBLISH_PERMISSION, Photo, StoryPhoto


def photo_preview(photo, width):
    if not photo or not photo.renditions:
        return "—"
    return render_to_string("admin/articles/photo/preview.html", {"photo": photo, "width": width})


class PhotoAdminForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["original", "caption", "alt_text", "credit", "taken_on"]
        # The photographer's file is private: no "currently: <link>" to a URL it does not have.
        widgets = {"original": forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})}


@admin.register(Photo)
class PhotoAdmin(DateHierarchyAdmin, TabbedTranslationAdmin):
    form = PhotoAdminForm
    list_display = ["thumbnail", "__str__", "credit", "taken_on", "uploaded_by", "uploaded_at"]
    list_display_links = ["thumbnail", "__str__"]
    list_select_related = ["uploaded_by"]
    search_fields = ["caption_ko", "caption_en", "alt_text_ko", "alt_text_en", "credit"]
    date_hierarchy = "uploaded_at"
    fields = ["original", "preview", "caption", "alt_text", "credit", "taken_on", "used_in"]
    readonly_fields = ["preview", "used_in"]

    @admin.display(description=_("photo"))
    def thumbnail(self, photo):
        return photo_preview(photo, 96)

    @admin.display(description=_("as readers see it"))
    def preview(self, photo):
        return photo_preview(photo, 480)

    @admin.display(description=_("used in"))
    def used_in(self, photo):
        stories = [str(story_photo.article) for story_photo in photo.in_stories.select_related("article")]
        return ", ".join(stories) or "—"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if not obj.delete()[0]:
            raise Photo.DoesNotExist(f"Photo {obj.pk} was already deleted.")

    # A photo deleted by someone else while this page was open is not found, as the admin says of any missing
    # object: a save never brings it back (see Photo.save), and of two deletes at once only one deletes.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Photo.DoesNotExist:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except Photo.DoesNotExist:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)

    def has_change_permission(self, request, obj=None):
        # Reporters correct their own uploads; editors look after the whole library.
        allowed = super().has_change_permission(request, obj)
        if obj is None or request.user.has_perm(PUBLISH_PERMISSION):
            return allowed
        return allowed and obj.uploaded_by_id == request.user.pk


class StoryPhotoInline(ReadOnlyOnLiveStoriesOfReporters, admin.TabularInline):
    model = StoryPhoto
    formset = NamedRowsFormSet
    extra = 1
    autocomplete_fields = ["photo"]
    fields = ["photo", "preview", "order"]
    readonly_fields = ["preview"]
    verbose_name = _("photo")
    verbose_name_plural = _("Photos: the first (smallest order) is the lead photo on lists and when shared")

    def get_queryset(self, request):
        # Each row's preview shows its photo. (Django's autocomplete picker still asks once per row for its label.)
        return super().get_queryset(request).select_related("photo")

    @admin.display(description=_("preview"))
    def preview(self, story_photo):
        return photo_preview(story_photo.photo if story_photo.photo_id else None, 160)


#: How wide the photo picker's thumbnails are shown (articles/admin.css): the smallest rendition is enough.
PICKER_THUMBNAIL_WIDTH = 160


class PickerResults(AutocompleteJsonView):
    """The admin's autocomplete answers; a photo's carries a thumbnail, which the story form's picker shows."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Photo) and (small := obj.jpeg(PICKER_THUMBNAIL_WIDTH)):
            result["thumbnail"] = default_storage.url(small["name"])
        return result


def autocomplete_with_thumbnails(request):
    return PickerResults.as_view(admin_site=admin.site)(request)


# Django's documented way to change what its autocomplete answers: the site's view, for every picker.
admin.site.autocomplete_view = autocomplete_with_thumbnails
