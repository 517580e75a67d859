using Microsoft.AspNetCore.Http.Features;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// A request body that refuses to be read past <c>MAX_CONTENT_LENGTH</c> bytes, with the 413
/// naming the setting. A chunked body has no Content-Length to check up front, and Kestrel's
/// MaxRequestBodySize cannot stand in for this: Kestrel counts the chunks' framing (sizes,
/// extensions, CRLFs) as body bytes, so how a client cuts a body into chunks would decide
/// whether it fits (a 65536-byte body sent as one chunk counts as 65550 bytes there, as 1-byte
/// chunks as 393221), and its rejection names no setting. The in-process test host enforces no
/// body limit at all. So this stream is the limit for every body, in every host.
/// </summary>
internal sealed class BodySizeLimitStream(Stream inner, long limit) : Stream
{
    // The framing of 1-byte chunks is 5 bytes a byte: above that, only framing nobody needs.
    private const long ChunkFramingAllowance = 8;

    private long _read;

    /// <summary>
    /// Limits the body of <paramref name="context"/>'s request to <paramref name="limit"/> bytes.
    /// Kestrel's own limit stays just above it for a body with a Content-Length (no framing; and
    /// a declared length over it makes Kestrel close the connection instead of draining it), and
    /// is raised for this request when the body is chunked, so that its framing never makes
    /// Kestrel refuse a body within the limit.
    /// </summary>
    public static BodySizeLimitStream Wrap(HttpContext context, long limit)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.ContentLength is null
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel)
        {
            kestrel.MaxRequestBodySize = limit * ChunkFramingAllowance;
        }

        return new BodySizeLimitStream(context.Request.Body, limit);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit)
        {
            throw new BadHttpRequestException(RequestLimiting.BodyTooLarge(limit), StatusCodes.Status413PayloadTooLarge);
        }

        return read;
    }
}
