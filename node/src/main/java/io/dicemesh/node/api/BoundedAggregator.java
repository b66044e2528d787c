package io.dicemesh.node.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator with the body limit answered like every other API error: a JSON 413. As Netty does, the
 * connection stays open (the rest of the body is skipped) unless the body already arrived or nothing keeps it.
 */
final class BoundedAggregator extends HttpObjectAggregator {
    private final int bodyBytesMax;

    BoundedAggregator(int bodyBytesMax) {
        super(bodyBytesMax);
        this.bodyBytesMax = bodyBytesMax;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        boolean close = oversized instanceof FullHttpMessage
                || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
        AdminHandler.write(ctx, Reply.error(413, "body-too-large", "the request body is over " + bodyBytesMax
                + " bytes"), !close);
    }
}
