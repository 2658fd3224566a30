using System.IO.Compression;
using System.Net;
using System.Text;
using Switchboard.EngineIO;
using Switchboard.Server.Tests.Harness;

namespace Switchboard.Server.Tests.EngineIO;

/// <summary>
/// <see cref="EngineOptions.HttpCompression"/>: on by default as in the reference, a poll's answer
/// from 1024 bytes up is gzip- or deflate-encoded for a client that accepts it.
/// </summary>
public sealed class HttpCompressionTests
{
    private static readonly string Large = "4" + new string('x', 3000);

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("deflate", "deflate")]
    [InlineData("gzip, deflate, br", "gzip")]
    [InlineData("deflate, gzip", "deflate")]
    [InlineData("gzip;q=0.5, deflate", "deflate")]
    [InlineData("*", "gzip")]
    [InlineData("*;q=0.5, deflate;q=0.5", "deflate")]
    [InlineData("gzip;q=0, *", "deflate")]
    [InlineData("GZIP", "gzip")]
    [InlineData("br", null)]
    [InlineData("identity", null)]
    [InlineData("gzip;q=0, deflate;q=0", null)]
    [InlineData("*;q=0", null)]
    [InlineData(null, null)]
    public async Task A_large_poll_is_encoded_as_the_client_accepts(string? acceptEncoding, string? expected)
    {
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions());
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        EngineAssert.Ok(await polling.PostAsync(sid, Large).WithTimeout());

        using var response = await PollAsync(polling, sid, acceptEncoding);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(expected, response.Content.Headers.ContentEncoding.SingleOrDefault());
        var body = await response.Content.ReadAsByteArrayAsync().WithTimeout();
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        if (expected is not null)
        {
            Assert.True(body.Length < Large.Length / 10, $"{body.Length} bytes compressed");
        }

        Assert.Equal(Large, Decode(body, expected));
    }

    [Theory]
    [InlineData("just under the threshold")]
    [InlineData("compression off")]
    public async Task A_poll_goes_uncompressed_under_the_threshold_or_with_compression_off(string why)
    {
        var off = why == "compression off";
        var message = off ? Large : "4" + new string('y', 1022);
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions { HttpCompression = off ? null : new() });
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        EngineAssert.Ok(await polling.PostAsync(sid, message).WithTimeout());

        using var response = await PollAsync(polling, sid, "gzip, deflate");

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(message, await response.Content.ReadAsStringAsync().WithTimeout());
    }

    [Fact]
    public async Task A_payload_of_several_packets_is_compressed_whole_from_the_threshold_up()
    {
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions { HttpCompression = new() { Threshold = 100 } });
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        var payload = "4" + new string('p', 49) + "\u001e4" + new string('q', 48) + "\u001eb" + Convert.ToBase64String(new byte[9]);
        EngineAssert.Ok(await polling.PostAsync(sid, payload).WithTimeout());

        using var response = await PollAsync(polling, sid, "deflate");

        Assert.Equal("deflate", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal(payload, Decode(await response.Content.ReadAsByteArrayAsync().WithTimeout(), "deflate"));
    }

    [Fact]
    public async Task Post_answers_are_never_compressed()
    {
        await using var server = await TestServer.StartAsync(engineOptions: new EngineOptions { HttpCompression = new() { Threshold = 0 } });
        using var polling = server.Polling();
        var (sid, _) = await polling.HandshakeAsync().WithTimeout();
        using var post = new HttpRequestMessage(HttpMethod.Post, polling.Url($"EIO=4&transport=polling&sid={sid}")) { Content = new StringContent(Large) };
        post.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");

        using var response = await polling.Http.SendAsync(post).WithTimeout();

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync().WithTimeout());
    }

    [Fact]
    public void A_negative_threshold_is_refused_when_the_server_is_created()
    {
        var options = new EngineOptions { HttpCompression = new() { Threshold = -1 } };

        var error = Assert.Throws<ArgumentException>(() => new EngineServer(options));

        Assert.Contains("EngineOptions.HttpCompression", error.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PollAsync(Polling polling, string sid, string? acceptEncoding)
    {
        // The harness's HttpClient does not decompress, so the body is what the server sent.
        using var request = new HttpRequestMessage(HttpMethod.Get, polling.Url($"EIO=4&transport=polling&sid={sid}"));
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        var response = await polling.Http.SendAsync(request).WithTimeout();
        await response.Content.LoadIntoBufferAsync().WithTimeout();
        return response;
    }

    private static string Decode(byte[] body, string? encoding)
    {
        if (encoding is null)
        {
            return Encoding.UTF8.GetString(body);
        }

        using var input = new MemoryStream(body);
        using Stream decompressor = encoding == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new ZLibStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(decompressor, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
