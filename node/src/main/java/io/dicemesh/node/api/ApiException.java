package io.dicemesh.node.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * A call to the admin API that did not succeed, with one line for a person ({@link #getMessage}). {@link #status}
 * is the HTTP status (0 when no answer came), {@link #code} a stable label: the API's error code ("unknown-table",
 * "refused", "bad-request", ...) or one of the client's own ("not-running", "bad-token", "api-file", "timeout",
 * "io", "interrupted", "bad-answer").
 */
public final class ApiException extends Exception {
    private final int status;
    private final String code;
    private final transient JsonObject body;

    public ApiException(int status, String code, String message, JsonObject body) {
        super(message);
        this.status = status;
        this.code = code;
        this.body = body;
    }

    public ApiException(String code, String message) {
        this(0, code, message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The API's error body, or null when there was none. */
    public JsonObject body() {
        return body == null ? null : body.deepCopy();
    }

    /** For a refused intent (409 "refused"): the table's reason label, such as insufficient-stack; else null. */
    public String reason() {
        JsonElement r = body == null ? null : body.get("reason");
        return r != null && r.isJsonPrimitive() ? r.getAsString() : null;
    }
}
