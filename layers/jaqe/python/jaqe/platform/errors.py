"""Domain errors; `jaqe.platform.api` maps each to one HTTP problem document."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    type_slug = "bad-request"
    title = "Requête invalide"

    def __init__(self, detail: str, *, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class InvalidInput(DomainError):
    status = 422
    type_slug = "validation-error"
    title = "Données invalides"


class NotFound(DomainError):
    status = 404
    type_slug = "not-found"
    title = "Ressource introuvable"


class Conflict(DomainError):
    status = 409
    type_slug = "conflict"
    title = "Conflit"


class Forbidden(DomainError):
    status = 403
    type_slug = "forbidden"
    title = "Accès refusé"


class Gone(DomainError):
    status = 410
    type_slug = "gone"
    title = "Lien expiré ou déjà utilisé"


class LinkGone(Gone):
    """A link from an email that was used already or has expired."""

    def __init__(self) -> None:
        super().__init__("Ce lien n'est plus valide : il a déjà servi ou a expiré.")


class TemporarilyUnavailable(DomainError):
    status = 503
    type_slug = "temporarily-unavailable"
    title = "Service momentanément indisponible"
    retry_after_seconds = 2


class PayloadTooLarge(DomainError):
    status = 413
    type_slug = "payload-too-large"
    title = "Requête trop volumineuse"


class UnsupportedMediaType(DomainError):
    status = 415
    type_slug = "unsupported-media-type"
    title = "Type de contenu non pris en charge"


class NestingTooDeep(DomainError):
    status = 400
    type_slug = "json-too-deep"
    title = "JSON trop imbriqué"
