// The chat page: plain JavaScript over the Socket.IO browser client the server serves.
// Every text from the network is put in the page with textContent, never as HTML.
"use strict";

const DEFAULT_ROOM = "general";
const $ = (id) => document.getElementById(id);

const state = {
  socket: null,
  nick: null,
  current: DEFAULT_ROOM,
  rooms: new Map(), // name -> { seen: Set<id>, items: [], members: [], typing: Map<nick, timer>, unread: 0 }
};

function room(name) {
  let r = state.rooms.get(name);
  if (!r) {
    r = { seen: new Set(), items: [], members: [], typing: new Map(), unread: 0 };
    state.rooms.set(name, r);
  }
  return r;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// ---- connection -------------------------------------------------------------

function setStatus(status) {
  const badge = $("status");
  badge.textContent = status;
  badge.className = "status " + status;
}

function connect(nick) {
  const socket = io({
    auth: nick ? { nick } : {},
    reconnectionDelay: 500,
    reconnectionDelayMax: 2000,
  });
  state.socket = socket;

  socket.on("connect", () => {
    setStatus("connected");
    $("notice").hidden = true;
    if (!socket.recovered && state.nick) {
      // A fresh session (the server restarted, or we were away too long): join our rooms again.
      for (const name of state.rooms.keys()) if (name !== DEFAULT_ROOM) join(name, false);
    }
  });
  socket.on("disconnect", () => setStatus(navigator.onLine ? "reconnecting" : "offline"));
  socket.io.on("reconnect_attempt", () => setStatus(navigator.onLine ? "reconnecting" : "offline"));
  socket.on("connect_error", (err) => {
    if (err.data && err.data.code) {
      // Refused by the server (nickname too long or taken): back to the login form.
      socket.disconnect();
      state.socket = null;
      $("login-error").textContent = err.message;
      $("chat").hidden = true;
      $("login").hidden = false;
      setStatus("offline");
    } else {
      setStatus(navigator.onLine ? "reconnecting" : "offline");
    }
  });

  socket.on("welcome", ({ nick, joined }) => {
    state.nick = nick;
    $("me").textContent = nick;
    $("login").hidden = true;
    $("chat").hidden = false;
    applyJoin(joined);
    show(state.rooms.has(state.current) ? state.current : DEFAULT_ROOM);
    $("text").focus();
  });
  socket.on("message", (message) => addMessage(fromElsewhere(message), false));
  socket.on("joined", ({ room: name, nick }) => addEvent(name, `${nick} joined`));
  socket.on("left", ({ room: name, nick }) => addEvent(name, `${nick} left`));
  socket.on("members", ({ room: name, members }) => {
    if (!state.rooms.has(name)) return;
    room(name).members = members;
    if (name === state.current) renderMembers();
  });
  socket.on("typing", ({ room: name, nick, typing }) => setTyping(name, nick, typing));
  socket.on("notice", ({ text }) => {
    $("notice").textContent = text;
    $("notice").hidden = false;
  });
}

// The browser knows first when the network goes: drop the connection at once instead of
// waiting for the heartbeat; the client reconnects (and recovers what it missed) when it can.
window.addEventListener("offline", () => {
  setStatus("offline");
  if (state.socket && state.socket.io.engine) state.socket.io.engine.close();
});
window.addEventListener("online", () => {
  if (state.socket && !state.socket.connected) setStatus("reconnecting");
});

// ---- rooms ------------------------------------------------------------------

function applyJoin({ room: name, history, members }) {
  const r = room(name);
  r.members = members;
  for (const message of history) addMessage(message, true);
  renderRooms();
  if (name === state.current) render();
}

function join(name, switchTo) {
  $("join-error").textContent = "";
  state.socket.emit("join", name, (answer) => {
    if (answer.error) {
      $("join-error").textContent = answer.error;
      return;
    }
    applyJoin(answer);
    if (switchTo) show(name);
  });
}

function leave(name) {
  state.socket.emit("leave", name);
  state.rooms.delete(name);
  if (state.current === name) show(DEFAULT_ROOM);
  else renderRooms();
}

function show(name) {
  state.current = name;
  room(name).unread = 0;
  renderRooms();
  render();
}

// ---- messages ---------------------------------------------------------------

// A message from another server of the cluster (a Node socket.io server on the same Redis, say) may be
// bare text, or come without the chat server's id, time or room: it gets an id of its own (it cannot
// repeat one already seen), the time it arrived, and the default room.
let localIds = 0;
function fromElsewhere(received) {
  const message = typeof received === "string" ? { text: received } : received;
  return {
    ...message,
    id: message.id ?? `local-${++localIds}`,
    room: message.room ?? DEFAULT_ROOM,
    time: message.time ?? Date.now(),
  };
}

function addMessage(message, fromHistory) {
  if (!state.rooms.has(message.room)) return;
  const r = room(message.room);
  if (r.seen.has(message.id)) return;
  r.seen.add(message.id);
  clearTyping(message.room, message.from);
  r.items.push({ kind: "message", message, mine: message.from === state.nick, state: fromHistory ? "" : null });
  if (message.room === state.current) render();
  else if (!fromHistory) {
    r.unread++;
    renderRooms();
  }
}

function addEvent(name, text) {
  if (!state.rooms.has(name)) return;
  room(name).items.push({ kind: "event", text });
  if (name === state.current) render();
}

function send(text) {
  const name = state.current;
  const item = { kind: "message", mine: true, state: "sending", message: { room: name, from: state.nick, text, time: Date.now() } };
  room(name).items.push(item);
  render();
  state.socket.emit("message", { room: name, text }, (answer) => {
    if (answer && answer.id) {
      item.message = answer;
      item.state = "delivered";
      room(name).seen.add(answer.id);
    } else {
      item.state = "not delivered" + (answer && answer.error ? `: ${answer.error}` : "");
    }
    if (name === state.current) render();
  });
}

// ---- typing -----------------------------------------------------------------

let typingSince = 0;
let typingStop = null;

function typed() {
  const name = state.current;
  if (!state.socket || !state.socket.connected) return;
  if (Date.now() - typingSince > 2000) {
    typingSince = Date.now();
    state.socket.emit("typing", { room: name, typing: true });
  }
  clearTimeout(typingStop);
  typingStop = setTimeout(() => stoppedTyping(name), 2000);
}

function stoppedTyping(name) {
  clearTimeout(typingStop);
  typingSince = 0;
  if (state.socket && state.socket.connected) state.socket.emit("typing", { room: name, typing: false });
}

function setTyping(name, nick, typing) {
  if (!state.rooms.has(name)) return;
  const timers = room(name).typing;
  clearTimeout(timers.get(nick));
  if (typing) timers.set(nick, setTimeout(() => clearTyping(name, nick), 5000));
  else timers.delete(nick);
  if (name === state.current) renderTyping();
}

function clearTyping(name, nick) {
  const timers = room(name).typing;
  if (!timers.has(nick)) return;
  clearTimeout(timers.get(nick));
  timers.delete(nick);
  if (name === state.current) renderTyping();
}

// ---- rendering --------------------------------------------------------------

function render() {
  const r = room(state.current);
  $("room-title").textContent = "# " + state.current;
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...r.items.map(renderItem));
  if (atBottom) list.scrollTop = list.scrollHeight;
  renderMembers();
  renderTyping();
}

function renderItem(item) {
  if (item.kind === "event") return el("li", "event", item.text);
  const { message } = item;
  const li = el("li", item.mine ? "mine" : "");
  li.dataset.testid = "message";
  const time = el("time", "", clock(message.time));
  time.dateTime = new Date(message.time).toISOString();
  li.append(time, el("span", "from", message.from), el("span", "text", message.text));
  if (item.mine && item.state) li.append(el("span", "state " + item.state.split(":")[0].replace(" ", "-"), item.state === "delivered" ? "✓ delivered" : item.state));
  return li;
}

function renderRooms() {
  const list = $("rooms");
  list.replaceChildren(...[...state.rooms.keys()].map((name) => {
    const li = el("li", name === state.current ? "current" : "");
    const open = el("button", "", "# " + name);
    open.type = "button";
    open.addEventListener("click", () => show(name));
    li.append(open);
    const unread = state.rooms.get(name).unread;
    if (unread) open.append(el("span", "unread", String(unread)));
    if (name !== DEFAULT_ROOM) {
      const close = el("button", "link", "×");
      close.type = "button";
      close.title = "Leave " + name;
      close.addEventListener("click", () => leave(name));
      li.append(close);
    }
    return li;
  }));
}

function renderMembers() {
  $("members-room").textContent = state.current;
  $("members").replaceChildren(...room(state.current).members.map((nick) => el("li", "", nick)));
}

function renderTyping() {
  const nicks = [...room(state.current).typing.keys()];
  $("typing").textContent = nicks.length === 0 ? ""
    : nicks.length === 1 ? `${nicks[0]} is typing…` : `${nicks.join(", ")} are typing…`;
}

// ---- forms ------------------------------------------------------------------

$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  $("login-error").textContent = "";
  const nick = $("nick").value.trim();
  localStorage.setItem("nick", nick);
  connect(nick);
});

$("join").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = $("room-name").value.trim();
  if (!name) return;
  $("room-name").value = "";
  if (state.rooms.has(name)) show(name);
  else join(name, true);
});

$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  if (!text || !state.socket) return;
  $("text").value = "";
  stoppedTyping(state.current);
  send(text);
});

$("text").addEventListener("input", typed);
$("nick").value = localStorage.getItem("nick") || "";
