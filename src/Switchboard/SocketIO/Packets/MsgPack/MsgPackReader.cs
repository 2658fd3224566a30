using System.Buffers.Binary;

namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// Reads msgpack values from one message, header by header, as notepack.io's decoder does. Never throws: a truncated
/// value, a length beyond the end of the input or the unused format byte <c>0xc1</c> makes <see cref="TryRead"/>
/// return false.
/// </summary>
/// <remarks>
/// Lengths and counts are checked against the bytes left before anything else happens, so a hostile header
/// announcing four billion elements is refused at once instead of driving a loop or an allocation.
/// </remarks>
internal ref struct MsgPackReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool IsAtEnd => _position == _data.Length;

    /// <summary>Reads the next value header; the elements of an array or map are read by further calls.</summary>
    public bool TryRead(out MsgPackToken token)
    {
        token = default;
        if (!TryTake(1, out var prefix))
        {
            return false;
        }

        var code = prefix[0];
        switch (code)
        {
            case <= 0x7f:
                return Integer(code, out token);
            case <= 0x8f:
                return Container(MsgPackType.Map, code & 0x0f, out token);
            case <= 0x9f:
                return Container(MsgPackType.Array, code & 0x0f, out token);
            case <= 0xbf:
                return Bytes(MsgPackType.String, code & 0x1f, out token);
            case >= 0xe0:
                return Integer((sbyte)code, out token);
        }

        switch (code)
        {
            case 0xc0:
                token = new MsgPackToken { Type = MsgPackType.Nil };
                return true;
            case 0xc2 or 0xc3:
                token = new MsgPackToken { Type = MsgPackType.Boolean, Integer = code - 0xc2 };
                return true;
            case 0xc4 or 0xc5 or 0xc6:
                return TryReadLength(code - 0xc4, out var binLength) && Bytes(MsgPackType.Binary, binLength, out token);
            case 0xc7 or 0xc8 or 0xc9:
                return TryReadLength(code - 0xc7, out var extLength) && Extension(extLength, fixedForm: false, out token);
            case 0xca:
                return TryTake(4, out var f32) && Float(BinaryPrimitives.ReadSingleBigEndian(f32), out token);
            case 0xcb:
                return TryTake(8, out var f64) && Float(BinaryPrimitives.ReadDoubleBigEndian(f64), out token);
            case >= 0xcc and <= 0xd3:
                // uint 8/16/32/64, then int 8/16/32/64.
                return TryTake(1 << ((code - 0xcc) & 3), out var integer) && BigEndianInteger(integer, signed: code >= 0xd0, out token);
            case 0xd4 or 0xd5 or 0xd6 or 0xd7 or 0xd8:
                return Extension(1 << (code - 0xd4), fixedForm: true, out token);
            case 0xd9 or 0xda or 0xdb:
                return TryReadLength(code - 0xd9, out var strLength) && Bytes(MsgPackType.String, strLength, out token);
            case 0xdc or 0xdd:
                return TryReadLength(code - 0xdc + 1, out var arrayCount) && Container(MsgPackType.Array, arrayCount, out token);
            case 0xde or 0xdf:
                return TryReadLength(code - 0xde + 1, out var mapCount) && Container(MsgPackType.Map, mapCount, out token);
            default:
                return false;
        }
    }

    /// <summary>Reads past the elements of <paramref name="token"/>, nested no deeper than <paramref name="maxDepth"/> levels.</summary>
    public bool TrySkipChildren(in MsgPackToken token, int maxDepth)
    {
        var children = token.Children;
        if (children == 0)
        {
            return true;
        }

        if (maxDepth <= 0)
        {
            return false;
        }

        for (long i = 0; i < children; i++)
        {
            if (!TryRead(out var child) || !TrySkipChildren(child, maxDepth - 1))
            {
                return false;
            }
        }

        return true;
    }

    private bool TryTake(int length, out ReadOnlySpan<byte> bytes)
    {
        if ((uint)length > (uint)(_data.Length - _position))
        {
            bytes = default;
            return false;
        }

        bytes = _data.Slice(_position, length);
        _position += length;
        return true;
    }

    // A length of 1, 2 or 4 bytes (width 0, 1 or 2), big-endian and unsigned.
    private bool TryReadLength(int width, out long length)
    {
        length = 0;
        if (!TryTake(1 << width, out var bytes))
        {
            return false;
        }

        length = width switch
        {
            0 => bytes[0],
            1 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
            _ => BinaryPrimitives.ReadUInt32BigEndian(bytes),
        };
        return true;
    }

    private static bool Integer(long value, out MsgPackToken token)
    {
        token = new MsgPackToken { Type = MsgPackType.Integer, Integer = value };
        return true;
    }

    private static bool BigEndianInteger(ReadOnlySpan<byte> bytes, bool signed, out MsgPackToken token)
    {
        ulong value = 0;
        foreach (var b in bytes)
        {
            value = value << 8 | b;
        }

        // Shifting the sign bit to the top and back extends it.
        var unused = 64 - 8 * bytes.Length;
        return signed ? Integer((long)(value << unused) >> unused, out token) : UnsignedInteger(value, out token);
    }

    private static bool UnsignedInteger(ulong value, out MsgPackToken token)
    {
        token = value <= long.MaxValue
            ? new MsgPackToken { Type = MsgPackType.Integer, Integer = (long)value }
            : new MsgPackToken { Type = MsgPackType.UnsignedInteger, UnsignedInteger = value };
        return true;
    }

    private static bool Float(double value, out MsgPackToken token)
    {
        token = new MsgPackToken { Type = MsgPackType.Float, Float = value };
        return true;
    }

    private bool Bytes(MsgPackType type, long length, out MsgPackToken token)
    {
        token = default;
        if (length > _data.Length - _position || !TryTake((int)length, out var bytes))
        {
            return false;
        }

        token = new MsgPackToken { Type = type, Bytes = bytes };
        return true;
    }

    // Every element takes at least one byte, so a count beyond the bytes left cannot be honest.
    private bool Container(MsgPackType type, long count, out MsgPackToken token)
    {
        var elements = type == MsgPackType.Map ? count * 2 : count;
        token = new MsgPackToken { Type = type, Integer = count };
        return elements <= _data.Length - _position;
    }

    // notepack.io gives type 0 a meaning that depends on the form: fixext 1 is undefined, fixext 8 a Date, the
    // sized forms an ArrayBuffer; any other type, or type 0 in fixext 2, 4 or 16, is read as [type, Buffer].
    private bool Extension(long length, bool fixedForm, out MsgPackToken token)
    {
        token = default;
        if (!TryTake(1, out var typeByte) || length > _data.Length - _position || !TryTake((int)length, out var bytes))
        {
            return false;
        }

        var type = (sbyte)typeByte[0];
        token = (type, fixedForm, length) switch
        {
            (0, false, _) => new MsgPackToken { Type = MsgPackType.Binary, Bytes = bytes },
            (0, true, 1) => new MsgPackToken { Type = MsgPackType.Undefined },
            (0, true, 8) => new MsgPackToken { Type = MsgPackType.Date, Integer = BinaryPrimitives.ReadInt64BigEndian(bytes) },
            _ => new MsgPackToken { Type = MsgPackType.Extension, Integer = type, Bytes = bytes },
        };
        return true;
    }
}
