package io.dicemesh.node.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin API connection: checks the token, routes the request, and writes the answer when it completes (or a
 * 504 when it does not in time), always on the connection's event loop. One request at a time per connection:
 * reading pauses while an answer is pending, so answers leave in request order.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);

    private final AdminServer server;
    /** A request on this connection awaits its answer (event-loop confined, like everything here). */
    private boolean busy;
    private boolean counted;

    AdminHandler(AdminServer server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        counted = server.openConnection();
        if (!counted) {
            LOG.warn("admin API: too many connections; answering 503 and closing a new one");
            write(ctx, Reply.error(503, "too-many-connections", "the admin API has "
                    + server.limits().connectionsMax() + " connections open; close some and try again"), false);
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (counted) {
            counted = false;
            server.closeConnection();
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            write(ctx, Reply.error(400, "bad-request", "malformed HTTP request"), false);
            return;
        }
        LoopbackOrigin origin = server.origin();
        if (origin == null) { // accepted in the instant between the bind and the server knowing its port
            write(ctx, Reply.error(503, "starting", "the admin API is starting; try again"), false);
            return;
        }
        String foreign = origin.problem(request.headers().get(HttpHeaderNames.HOST),
                request.headers().get(HttpHeaderNames.ORIGIN));
        if (foreign != null) {
            write(ctx, Reply.error(403, "foreign-origin", foreign), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (!AdminRoutes.isPublic(path) && !server.authorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            write(ctx, Reply.error(401, "unauthorized", "missing or wrong API token (Authorization: Bearer <token>)"),
                    keepAlive);
            return;
        }
        if (server.closing()) {
            write(ctx, Reply.error(503, "shutting-down", "the node is shutting down"), false);
            return;
        }
        if (!server.inFlight().tryAcquire()) {
            write(ctx, Reply.error(503, "busy", "the admin API is busy (" + server.limits().inFlightMax()
                    + " requests in flight); try again"), keepAlive);
            return;
        }
        busy = true;
        ctx.channel().config().setAutoRead(false);
        AdminRoutes.Routed routed;
        try {
            routed = server.routes().route(request.method(), path, uri.parameters(),
                    request.content().toString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            routed = new AdminRoutes.Routed(CompletableFuture.failedFuture(e), Long.MAX_VALUE);
        }
        Answer answer = new Answer(ctx, keepAlive);
        long timeoutMs = routed.timeoutMs();
        if (timeoutMs < Long.MAX_VALUE && !routed.reply().isDone()) {
            answer.timeout = ctx.executor().schedule(() -> answer.finish(Reply.error(504, "timeout",
                    "the node did not answer within " + seconds(timeoutMs) + "; a command may still take effect"
                            + " later")), timeoutMs, TimeUnit.MILLISECONDS);
        }
        routed.reply().whenCompleteAsync((reply, error) -> answer.finish(reply != null ? reply : failure(error)),
                ctx.executor());
    }

    /** The pending answer of one request; finishes once (its reply or its timeout, whichever comes first). */
    private final class Answer {
        private final ChannelHandlerContext ctx;
        private final boolean keepAlive;
        private ScheduledFuture<?> timeout;
        private boolean done;

        Answer(ChannelHandlerContext ctx, boolean keepAlive) {
            this.ctx = ctx;
            this.keepAlive = keepAlive;
        }

        void finish(Reply reply) {
            if (done) {
                return;
            }
            done = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            server.inFlight().release();
            busy = false;
            boolean stayOpen = keepAlive && !server.closing();
            write(ctx, reply, stayOpen);
            if (stayOpen) {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    private static Reply failure(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof ApiError a) {
            return a.reply();
        }
        LOG.warn("admin API request failed: {}", io.dicemesh.node.net.LogSafe.text(e), e);
        return Reply.error(500, "internal", "the node failed to answer: " + e.getMessage());
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** Writes one answer; closes the connection after it unless {@code keepAlive}. */
    static void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        ByteBuf body = Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (reply.status() == 401) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent && !busy) {
            ctx.close();
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin API connection {} failed: {}", ctx.channel().remoteAddress(),
                io.dicemesh.node.net.LogSafe.text(cause));
        ctx.close();
    }
}
