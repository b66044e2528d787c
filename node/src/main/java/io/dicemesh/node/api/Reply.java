package io.dicemesh.node.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * One answer of the admin API: an HTTP status and its body, JSON unless it is the Prometheus text of /metrics.
 * Errors are always {@code {"error": "one line for a person", "code": "stable-label"}}, sometimes with more fields.
 */
record Reply(int status, String contentType, String body) {
    static final String JSON = "application/json; charset=utf-8";

    static Reply json(int status, JsonElement body) {
        return new Reply(status, JSON, ApiJson.GSON.toJson(body));
    }

    static Reply ok(JsonElement body) {
        return json(200, body);
    }

    static Reply error(int status, String code, String message) {
        return json(status, errorBody(code, message));
    }

    static JsonObject errorBody(String code, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", message);
        o.addProperty("code", code);
        return o;
    }

    static Reply text(int status, String contentType, String text) {
        return new Reply(status, contentType, text);
    }
}
