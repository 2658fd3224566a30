using System.Buffers;
using System.Buffers.Text;

namespace Switchboard.SocketIO.Packets.MsgPack;

/// <summary>
/// JavaScript's <c>Date.prototype.toISOString</c>, for the dates notepack.io sends: the proleptic Gregorian calendar
/// in UTC over JavaScript's whole range of ±8.64e15 ms (years -271821 to 275760), which .NET's DateTime does not
/// cover. Years 0 to 9999 have four digits (<c>2024-02-29T12:34:56.789Z</c>), the others a sign and six
/// (<c>+010000-01-01T00:00:00.000Z</c>).
/// </summary>
internal static class JavaScriptDate
{
    /// <summary>The most bytes <see cref="TryFormatIso"/> writes.</summary>
    public const int MaxIsoLength = 27;

    private const long MaxMilliseconds = 8_640_000_000_000_000;
    private const long MillisecondsPerDay = 86_400_000;

    /// <summary>
    /// Writes the ISO text of the date <paramref name="milliseconds"/> after 1970-01-01T00:00:00Z into
    /// <paramref name="utf8"/> (at least <see cref="MaxIsoLength"/> bytes); false for a time outside JavaScript's
    /// range, an Invalid Date, which <c>JSON.stringify</c> writes as null.
    /// </summary>
    public static bool TryFormatIso(long milliseconds, Span<byte> utf8, out int written)
    {
        written = 0;
        if (milliseconds is < -MaxMilliseconds or > MaxMilliseconds)
        {
            return false;
        }

        var days = Math.DivRem(milliseconds, MillisecondsPerDay, out var time);
        if (time < 0)
        {
            days--;
            time += MillisecondsPerDay;
        }

        var (year, month, day) = CivilFromDays(days);
        if (year is >= 0 and <= 9999)
        {
            Append(utf8, ref written, year, 4);
        }
        else
        {
            utf8[written++] = year < 0 ? (byte)'-' : (byte)'+';
            Append(utf8, ref written, Math.Abs(year), 6);
        }

        Append(utf8, ref written, '-', month, 2);
        Append(utf8, ref written, '-', day, 2);
        Append(utf8, ref written, 'T', time / 3_600_000, 2);
        Append(utf8, ref written, ':', time / 60_000 % 60, 2);
        Append(utf8, ref written, ':', time / 1000 % 60, 2);
        Append(utf8, ref written, '.', time % 1000, 3);
        utf8[written++] = (byte)'Z';
        return true;
    }

    // Howard Hinnant's civil_from_days: the date of a day number counted from 1970-01-01, in eras of 400 years.
    private static (long Year, long Month, long Day) CivilFromDays(long days)
    {
        days += 719_468;
        var era = (days >= 0 ? days : days - 146_096) / 146_097;
        var dayOfEra = days - era * 146_097;
        var yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        var dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        var monthFromMarch = (5 * dayOfYear + 2) / 153;
        var day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        var month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day);
    }

    private static void Append(Span<byte> utf8, ref int written, char separator, long value, int digits)
    {
        utf8[written++] = (byte)separator;
        Append(utf8, ref written, value, digits);
    }

    private static void Append(Span<byte> utf8, ref int written, long value, int digits)
    {
        Utf8Formatter.TryFormat(value, utf8[written..], out var length, new StandardFormat('D', (byte)digits));
        written += length;
    }
}
