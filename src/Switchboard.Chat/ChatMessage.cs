namespace Switchboard.Chat;

/// <summary>One message of a room, as clients receive it (<c>{ id, room, from, text, time }</c>; time in Unix milliseconds).</summary>
public sealed record ChatMessage(string Id, string Room, string From, string Text, long Time);
