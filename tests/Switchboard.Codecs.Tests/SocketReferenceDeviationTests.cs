using Switchboard.SocketIO.Packets;

namespace Switchboard.Codecs.Tests;

/// <summary>
/// The few inputs that socket.io-parser 4.2.x accepts only through JavaScript's loose number parsing
/// (<c>Number(" ") === 0</c>) or that .NET cannot represent; each is refused here on purpose. No official client
/// sends any of them.
/// </summary>
public sealed class SocketReferenceDeviationTests
{
    [Fact]
    public void Empty_text_is_refused_where_the_reference_reads_a_connect() =>
        Assert.Equal(SocketDecodeStatus.Empty, DecodeText(""));

    [Theory]
    [InlineData(" ")]
    [InlineData("\n")]
    [InlineData("\t0")]
    public void Whitespace_type_is_refused_where_the_reference_reads_a_connect(string text) =>
        Assert.Equal(SocketDecodeStatus.UnknownType, DecodeText(text));

    [Fact]
    public void Whitespace_before_the_json_is_not_an_ack_id()
    {
        // The reference reads " " as ack id 0 here; JSON.parse-style whitespace is all it is.
        var packet = Wire.Decode("2 [\"ev\"]");

        Assert.Null(packet.AckId);
    }

    [Theory]
    [InlineData("2\t")]
    [InlineData("11 ")]
    public void Whitespace_alone_after_the_header_is_not_json(string text) =>
        Assert.Equal(SocketDecodeStatus.InvalidJson, DecodeText(text));

    [Theory]
    [InlineData("5 1-[\"a\"]")]
    [InlineData("5+1-[\"a\"]")]
    [InlineData("51e0-[\"a\"]")]
    [InlineData("50x1-[\"a\"]")]
    public void Attachment_count_must_be_plain_digits(string text) =>
        Assert.Equal(SocketDecodeStatus.InvalidAttachments, DecodeText(text));

    [Fact]
    public void Ack_id_beyond_javascript_precision_is_kept_exact()
    {
        // The reference rounds it to the nearest double, 121234567890123460.
        Assert.Equal(121234567890123451, Wire.Decode("1121234567890123451").AckId);
    }

    [Fact]
    public void Fractional_placeholder_index_is_refused_where_the_reference_yields_undefined()
    {
        var decoder = new SocketPacketDecoder();
        decoder.DecodeText(Wire.Utf8("51-[\"ev\",{\"_placeholder\":true,\"num\":0.5}]"), out _);

        Assert.Equal(SocketDecodeStatus.IllegalAttachments, decoder.DecodeBinary([1], out _));
    }

    [Fact]
    public void Event_name_that_dotnet_cannot_read_is_refused() =>
        Assert.Equal(SocketDecodeStatus.InvalidPayload, DecodeText("2[\"\\udc00x\"]"));

    private static SocketDecodeStatus DecodeText(string text) => new SocketPacketDecoder().DecodeText(Wire.Utf8(text), out _);
}
