"""The API's OpenAPI 3.1 description, generated from the route table (dashboard/api/routes.py `ROUTES`) so that
a route cannot exist undocumented; served at /api/v1/openapi.json."""

from __future__ import annotations

from dashboard.api.routes import ROUTES, RouteDoc

PARAMS = {  # name → (description, schema)
    "as_of": ("Mois de situation AAAA-MM (défaut : le dernier mois publié)",
              {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}),
    "region": ("Code INSEE de la région (ex. 53)", {"type": "string"}),
    "departement": ("Code du département (ex. 35, 2A, 971)", {"type": "string"}),
    "couloir": ("Code du couloir (ex. hopital)", {"type": "string"}),
    "dispositif": ("Code du dispositif (ex. SONS-V1-HOP)", {"type": "string"}),
    "vague": ("Vague (1 ou 2)", {"type": "string", "enum": ["1", "2"]}),
    "lang": ("Langue des libellés", {"type": "string", "enum": ["fr", "en"], "default": "fr"}),
    "snapshot": ("Identifiant d'un instantané de comité : ses chiffres figés au lieu des chiffres du jour",
                 {"type": "string", "pattern": r"^s-[0-9]{8}-[0-9a-f]{6}$"}),
    "ids": ("Indicateurs, séparés par des virgules (défaut : tous)", {"type": "string", "example": "USE-01,CIT-01"}),
    "breakdown": ("Ventilation", {"type": "string", "enum": ["region", "departement", "couloir", "dispositif", "vague",
                                                             "editeur", "document_type"]}),
    "series": ("0 pour omettre la série mensuelle", {"type": "string", "enum": ["0", "1"]}),
    "levels": ("Niveaux de territoire, séparés par des virgules",
               {"type": "string", "example": "national,region,departement"}),
    "regions": ("Régions (codes), séparées par des virgules (défaut : toutes celles du périmètre)",
                {"type": "string", "example": "53,52"}),
    "format": ("Format de la réponse", {"type": "string", "default": "json"}),
}
MEDIA = {"json": "application/json", "csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument."
         "spreadsheetml.sheet", "parquet": "application/vnd.apache.parquet"}
ERRORS = {"400": "Paramètre invalide (message en français : ce qui a été reçu, ce qui est attendu)",
          "401": "Personne n'est identifié (session ou jeton d'API)",
          "403": "Hors du périmètre de la personne (autre région)", "404": "Indicateur ou instantané inconnu"}


def openapi_path(rule: str) -> str:
    """`/values/<indicator_id>` → `/values/{indicator_id}`."""
    return rule.replace("<", "{").replace(">", "}")


def _operation(doc: RouteDoc) -> dict:
    params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in doc.path_params]
    for name in doc.params:
        description, schema = PARAMS[name]
        if name == "format":
            schema = {**schema, "enum": list(doc.formats)}
        params.append({"name": name, "in": "query", "required": False, "description": description, "schema": schema})
    responses = {"200": {"description": "OK", "content": {MEDIA[f]: {} for f in doc.formats}}}
    responses.update({code: {"description": text, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for code, text in ERRORS.items()})
    return {"get": {"summary": doc.summary, "operationId": doc.path.strip("/").replace("/", "_").replace("<", "")
                    .replace(">", "") or "index", "parameters": params, "responses": responses}}


def spec(server_url: str = "/") -> dict:
    paths = {"/api/v1" + openapi_path(d.path): _operation(d) for d in ROUTES}
    paths["/api/v1/openapi.json"] = {"get": {"summary": "Cette description", "operationId": "openapi",
                                             "responses": {"200": {"description": "OpenAPI 3.1"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pilotage du Ségur numérique — API de données", "version": "1",
                 "description": "API en lecture seule : catalogue des indicateurs, valeurs d'une vue, table longue, "
                                "fraîcheur, exécutions et instantanés de comité. Codes stables ; libellés en "
                                "français ou en anglais (lang) ; JSON ou CSV (format=csv). Chaque réponse est "
                                "limitée au périmètre de la personne (ses régions). Voir docs/api.md."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": {"Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "status": {"type": "integer"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}},
    }
