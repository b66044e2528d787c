package io.dicemesh.node.api;

/**
 * A request the API answers with an error before anything reaches the node (bad input, unknown route). Thrown
 * while a request is parsed and turned into its {@link Reply} by the handler; it never leaves the api package.
 */
final class ApiError extends RuntimeException {
    private final transient Reply reply;

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.reply = Reply.error(status, code, message);
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
