namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// The kinds of value <see cref="MsgPackReader"/> reads, as notepack.io (socket.io-msgpack-parser's codec) tells them
/// apart: besides msgpack's own types, the extension type 0 stands for JavaScript's <c>undefined</c>, a
/// <c>Date</c> or an <c>ArrayBuffer</c>, depending on the format byte.
/// </summary>
internal enum MsgPackType
{
    /// <summary><c>nil</c>, JavaScript's <c>null</c>.</summary>
    Nil,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>Any integer format whose value fits a 64-bit signed integer.</summary>
    Integer,

    /// <summary>A <c>uint 64</c> above <see cref="long.MaxValue"/>.</summary>
    UnsignedInteger,

    /// <summary><c>float 32</c> or <c>float 64</c>.</summary>
    Float,

    /// <summary>A string, as UTF-8 bytes that may be invalid.</summary>
    String,

    /// <summary><c>bin</c> (a Node Buffer), or an <c>ext</c> of type 0 in the 8, 16 or 32-bit form (an ArrayBuffer).</summary>
    Binary,

    /// <summary>An array header; its elements follow.</summary>
    Array,

    /// <summary>A map header; its keys and values follow.</summary>
    Map,

    /// <summary>JavaScript's <c>undefined</c>: <c>fixext 1</c> of type 0.</summary>
    Undefined,

    /// <summary>A JavaScript <c>Date</c>: <c>fixext 8</c> of type 0 holding milliseconds since 1970 as a signed 64-bit integer.</summary>
    Date,

    /// <summary>Any other extension, which notepack.io reads as the array <c>[type, Buffer]</c>.</summary>
    Extension,
}
