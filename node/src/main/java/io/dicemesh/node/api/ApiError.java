package io.dicemesh.node.api;

/**
 * A request the API answers with an error before anything reaches the node (bad input, unknown route). Thrown
 * while a request is parsed and turned into its {@link Reply} by the handler; it never leaves the api package.
 */
final class ApiError extends RuntimeException {
    private final transient Reply reply;
    private final int status;
    private final String code;

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.reply = Reply.error(status, code, message);
        this.status = status;
        this.code = code;
    }

    /** The same error with {@code where} put before its message (which item of a list it is about). */
    ApiError at(String where) {
        return new ApiError(status, code, where + ": " + getMessage());
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "bad-request", message);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not-found", message);
    }

    Reply reply() {
        return reply;
    }
}
