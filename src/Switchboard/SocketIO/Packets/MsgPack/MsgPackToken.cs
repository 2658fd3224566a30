namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// One value header read by <see cref="MsgPackReader"/>: a scalar with its value, a string, binary or extension with
/// its bytes (a slice of the input, valid as long as the input is), or the element count of an array or map.
/// </summary>
internal readonly ref struct MsgPackToken
{
    private const double TwoToThe63 = 9223372036854775808.0;

    /// <summary>What kind of value this is.</summary>
    public MsgPackType Type { get; init; }

    /// <summary>
    /// The value of an <see cref="MsgPackType.Integer"/>, the milliseconds of a <see cref="MsgPackType.Date"/>, 1 or 0 for
    /// a <see cref="MsgPackType.Boolean"/>, the count of an <see cref="MsgPackType.Array"/> or
    /// <see cref="MsgPackType.Map"/>, the type byte of an <see cref="MsgPackType.Extension"/>.
    /// </summary>
    public long Integer { get; init; }

    /// <summary>The value of an <see cref="MsgPackType.UnsignedInteger"/>.</summary>
    public ulong UnsignedInteger { get; init; }

    /// <summary>The value of a <see cref="MsgPackType.Float"/> (a <c>float 32</c> widened).</summary>
    public double Float { get; init; }

    /// <summary>The bytes of a <see cref="MsgPackType.String"/>, <see cref="MsgPackType.Binary"/> or <see cref="MsgPackType.Extension"/>.</summary>
    public ReadOnlySpan<byte> Bytes { get; init; }

    /// <summary>The number of values that follow the header: the elements of an array, keys and values of a map.</summary>
    public long Children => Type switch
    {
        MsgPackType.Array => Integer,
        MsgPackType.Map => Integer * 2,
        _ => 0,
    };

    /// <summary>
    /// True for an integer, or a float with an integral value (JavaScript's <c>Number.isInteger</c>), that fits a
    /// 64-bit signed integer.
    /// </summary>
    public bool TryGetInteger(out long value)
    {
        value = 0;
        switch (Type)
        {
            case MsgPackType.Integer:
                value = Integer;
                return true;
            case MsgPackType.Float when double.IsFinite(Float) && Math.Floor(Float) == Float && Math.Abs(Float) < TwoToThe63:
                value = (long)Float;
                return true;
            default:
                return false;
        }
    }
}
