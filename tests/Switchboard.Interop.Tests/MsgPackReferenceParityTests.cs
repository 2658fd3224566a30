using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Interop.Tests.Harness;
using Switchboard.SocketIO.Packets;

namespace Switchboard.Interop.Tests;

/// <summary>
/// <see cref="SocketParser.MsgPack"/> next to npm's socket.io-msgpack-parser itself (tests/interop/msgpack-driver.mjs)
/// on generated packets: the server's bytes are the npm parser's to the byte, and whatever the server's decoder
/// accepts, the npm decoder accepts too and reads the same way. The generator is seeded, so a failure repeats.
/// </summary>
public sealed class MsgPackReferenceParityTests
{
    private const string Label = "parser";
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Generated_events_and_acks_are_the_npm_parsers_bytes_and_decode_there_to_what_was_sent()
    {
        await using var node = await NodeClientDriver.StartAsync("msgpack-driver.mjs", "socket.io-msgpack-parser");
        var random = new Random(20260101);
        for (var i = 0; i < 300; i++)
        {
            var nsp = random.Next(3) == 0 ? "/" : "/" + RandomString(random);
            var args = Enumerable.Range(0, random.Next(6)).Select(_ => RandomValue(random, depth: 0)).ToArray();
            long? ackId = random.Next(2) == 0 ? null : RandomInteger(random, nonNegative: true);
            var isAck = ackId is not null && random.Next(2) == 0;
            var name = "ev" + RandomString(random);

            // The members in the order the Node server builds them.
            var packet = new JsonObject();
            if (isAck)
            {
                packet["id"] = ackId;
            }

            packet["type"] = isAck ? 3 : 2;
            packet["data"] = new JsonArray([.. isAck ? [] : new JsonNode?[] { name }, .. args.Select(ToWire)]);
            if (ackId is not null && !isAck)
            {
                packet["id"] = ackId;
            }

            packet["nsp"] = nsp;
            var encoded = isAck
                ? SocketParser.MsgPack.EncodeAck(nsp, ackId!.Value, args, Options)
                : SocketParser.MsgPack.EncodeEvent(nsp, name, args, ackId, Options);
            var ours = Convert.ToHexStringLower(Assert.Single(encoded).Frame.Span);

            var theirs = await node.CommandAsync(Label, "encode", "done", new() { ["packet"] = packet });
            Assert.True(theirs.GetProperty("hex").GetString() == ours, $"sample {i}: {packet.ToJsonString()}\nnpm:  {theirs.GetProperty("hex")}\nours: {ours}");
            var decoded = await node.CommandAsync(Label, "decode", "done", new() { ["hex"] = ours });
            AssertSame(packet, decoded.GetProperty("packet"), $"sample {i}");
        }
    }

    [Fact]
    public async Task Whatever_the_server_accepts_the_npm_parser_accepts_and_reads_the_same()
    {
        await using var node = await NodeClientDriver.StartAsync("msgpack-driver.mjs", "socket.io-msgpack-parser");
        string[] seeds =
        [
            // socket.io-client's EVENT with binary, with an ack id, CONNECT without auth, ACK; see the codec tests.
            "84a47479706502a46461746193a46563686fa178c4020908a76f7074696f6e7381a8636f6d7072657373c3a36e7370a12f",
            "85a47479706502a46461746192a361736ba3776879a76f7074696f6e7381a8636f6d7072657373c3a2696403a36e7370a12f",
            "83a47479706500a464617461d40000a36e7370a12f",
            "84a47479706503a46461746192a3686f77c4020708a2696400a36e7370a12f",
            "83a47479706502a46461746195a161c7020001029181a162d40000d7000000018df4dc5495cb3ff8000000000000a36e7370a12f",

            // An EVENT with invalid UTF-8, -0, a float 32, integer keys, an extension and a nested map.
            "83a47479706502a46461746198a165a361ff62a3e28261cb8000000000000000ca3fc000008302a161ffa162a16303d6050102030481a1618101c0a36e7370a12f",
        ];
        var random = new Random(20260102);
        var accepted = 0;
        for (var i = 0; i < 5000; i++)
        {
            var bytes = Convert.FromHexString(seeds[i % seeds.Length]);
            for (var changes = random.Next(1, 4); changes > 0; changes--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            if (SocketParser.MsgPack.CreateDecoder(10).DecodeBinary(bytes, out var packet) != SocketDecodeStatus.Ok)
            {
                continue;
            }

            accepted++;
            var hex = Convert.ToHexStringLower(bytes);
            var theirs = await node.CommandAsync(Label, "decode", "done", new() { ["hex"] = hex });
            var ours = new JsonObject { ["type"] = (int)packet!.Type, ["nsp"] = packet.Namespace };
            if (packet.AckId is { } id)
            {
                ours["id"] = id;
            }

            if (packet.Data is { } data)
            {
                ours["data"] = ToWire(packet, data);
            }

            AssertSame(ours, theirs.GetProperty("packet"), hex);
        }

        Assert.InRange(accepted, 500, 5000);
    }

    // Type, namespace, id and data: the members the server reads.
    private static void AssertSame(JsonObject expected, JsonElement actual, string what)
    {
        foreach (var member in new[] { "type", "nsp", "id", "data" })
        {
            var expectedMember = expected[member];
            var actualMember = actual.TryGetProperty(member, out var value) ? JsonNode.Parse(value.GetRawText()) : null;
            Assert.True(JsonNode.DeepEquals(expectedMember, actualMember), $"{what}: {member} {expectedMember?.ToJsonString()} != {actualMember?.ToJsonString()}");
        }
    }

    private static JsonNode? ToWire(object? value) => value is byte[] bytes
        ? JsonSerializer.SerializeToNode(NodeClientDriver.Binary(bytes))
        : JsonSerializer.SerializeToNode(value, Options);

    private static JsonNode? ToWire(SocketPacket packet, JsonElement element)
    {
        if (packet.TryGetAttachment(element, out var bytes))
        {
            return ToWire(bytes);
        }

        return element.ValueKind switch
        {
            JsonValueKind.Array => new JsonArray([.. element.EnumerateArray().Select(e => ToWire(packet, e))]),
            JsonValueKind.Object => ToWireObject(packet, element),

            // The server keeps every 64-bit integer; JavaScript holds one beyond 2^53 as the nearest double.
            JsonValueKind.Number when !element.TryGetInt64(out var integer) || Math.Abs(integer) > 1L << 53 => JsonValue.Create(element.GetDouble()),
            _ => JsonNode.Parse(element.GetRawText()),
        };
    }

    // Of a repeated member the last counts, as in the object notepack.io builds (and for System.Text.Json).
    private static JsonObject ToWireObject(SocketPacket packet, JsonElement element)
    {
        var result = new JsonObject();
        foreach (var property in element.EnumerateObject())
        {
            result[property.Name] = ToWire(packet, property.Value);
        }

        return result;
    }

    // Values of every msgpack size class that JSON can carry to Node unchanged: numbers within 2^53, where the
    // server writes the integer the JSON text holds and notepack.io the double JavaScript rounds it to.
    private static object? RandomValue(Random random, int depth) => random.Next(depth < 2 ? 9 : 7) switch
    {
        0 => RandomString(random),
        1 => RandomInteger(random, nonNegative: false),
        2 => random.Next(2) == 0 ? (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-10, 16)) : random.Next(-1000, 1000) + 0.5,
        3 => random.Next(2) == 0,
        4 => null,
        5 => RandomBytes(random, depth),
        6 => random.Next(-40, 300),
        7 => Enumerable.Range(0, RandomCount(random)).Select(_ => RandomValue(random, depth + 1)).ToList(),
        _ => Enumerable.Range(0, RandomCount(random)).ToDictionary(i => "k" + i.ToString(CultureInfo.InvariantCulture), _ => RandomValue(random, depth + 1)),
    };

    private static string RandomString(Random random)
    {
        string[] pieces = ["a", "Z", "0", " ", "é", "€", "😀", "\"", "\\", "\n", "/"];
        var length = new[] { 0, 1, 5, 31, 32, 255, 256, 300 }[random.Next(8)];
        var text = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(text.ToString()) < length)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        return text.ToString();
    }

    // Integers of every width up to what a JavaScript number holds exactly.
    private static long RandomInteger(Random random, bool nonNegative)
    {
        var bits = random.Next(0, 54);
        var value = random.NextInt64(0, 1L << bits);
        return nonNegative || random.Next(2) == 0 ? value : -value;
    }

    // The bin 32 size class at the top only, to keep packets small.
    private static byte[] RandomBytes(Random random, int depth)
    {
        var bytes = new byte[new[] { 0, 1, 255, 256, 70_000 }[random.Next(depth == 0 ? 5 : 4)]];
        random.NextBytes(bytes);
        return bytes;
    }

    private static int RandomCount(Random random) => new[] { 0, 1, 3, 15, 16 }[random.Next(5)];
}
