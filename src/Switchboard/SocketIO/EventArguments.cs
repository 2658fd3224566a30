using System.Text.Json;

namespace Switchboard.SocketIO;

/// <summary>
/// The arguments of an incoming event or acknowledgement, as raw JSON with binary attachments.
/// Binary arguments arrive as placeholders that <see cref="Get{T}"/> resolves to their bytes.
/// </summary>
public sealed class EventArguments
{
    private readonly JsonElement _array;
    private readonly int _offset;
    private readonly IReadOnlyList<byte[]> _attachments;
    private readonly JsonSerializerOptions _options;

    internal EventArguments(JsonElement array, int offset, IReadOnlyList<byte[]> attachments, JsonSerializerOptions options)
    {
        _array = array;
        _offset = offset;
        _attachments = attachments;
        _options = options;
        Count = array.ValueKind == JsonValueKind.Array ? array.GetArrayLength() - offset : 0;
    }

    /// <summary>The number of arguments.</summary>
    public int Count { get; }

    /// <summary>The binary attachments the arguments refer to.</summary>
    public IReadOnlyList<byte[]> Attachments => _attachments;

    /// <summary>The raw JSON of argument <paramref name="index"/> (a binary argument is its placeholder object).</summary>
    public JsonElement this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _array[index + _offset];
        }
    }

    /// <summary>
    /// Argument <paramref name="index"/> as <typeparamref name="T"/>: <see cref="JsonElement"/> for the raw
    /// JSON, <c>byte[]</c> or <see cref="ReadOnlyMemory{T}"/> of byte for a binary argument, anything else
    /// deserialized with System.Text.Json. A missing argument (JavaScript's <c>undefined</c>) gives the default.
    /// </summary>
    public T? Get<T>(int index) => (T?)Get(index, typeof(T));

    /// <summary>
    /// The arguments as values to pass on to an emit unchanged: binary arguments as <c>byte[]</c>,
    /// everything else as its raw <see cref="JsonElement"/>. Binary nested inside an object is not
    /// resolved; such payloads need <see cref="Attachments"/>.
    /// </summary>
    public object?[] ToArray()
    {
        var values = new object?[Count];
        for (var i = 0; i < values.Length; i++)
        {
            var element = _array[i + _offset];
            values[i] = IsPlaceholder(element, out var num) ? _attachments[num] : element;
        }

        return values;
    }

    internal object? Get(int index, Type type)
    {
        if (index >= Count)
        {
            return type.IsValueType ? Activator.CreateInstance(type) : null;
        }

        var element = _array[index + _offset];
        if (type == typeof(JsonElement))
        {
            return element;
        }

        if (type == typeof(byte[]))
        {
            return Binary(element);
        }

        if (type == typeof(ReadOnlyMemory<byte>))
        {
            return new ReadOnlyMemory<byte>(Binary(element));
        }

        try
        {
            return element.Deserialize(type, _options);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json cannot turn some valid JSON (a lone surrogate escape) into .NET text.
            throw new JsonException($"Argument {index} cannot be read as {type.Name}.", e);
        }
    }

    private byte[]? Binary(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return IsPlaceholder(element, out var num) ? _attachments[num] : throw new JsonException("Expected a binary argument.");
    }

    // The codec has checked every placeholder's number against the attachment count.
    private static bool IsPlaceholder(JsonElement element, out int num)
    {
        num = 0;
        return element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("_placeholder", out var marker) && marker.ValueKind == JsonValueKind.True
            && element.TryGetProperty("num", out var index) && index.TryGetInt32(out num);
    }

    /// <inheritdoc/>
    public override string ToString() => _array.ToString();
}
