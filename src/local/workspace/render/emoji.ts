/** The emoji shortcodes dbops and Slack messages commonly use; others are shown as their `:code:`. */
export const EMOJI: Readonly<Record<string, string>> = {
  white_check_mark: '✅', heavy_check_mark: '✔️', ballot_box_with_check: '☑️', x: '❌', heavy_multiplication_x: '✖️',
  warning: '⚠️', no_entry: '⛔', no_entry_sign: '🚫', rotating_light: '🚨', sos: '🆘', skull: '💀', fire: '🔥', boom: '💥',
  red_circle: '🔴', large_orange_circle: '🟠', orange_circle: '🟠', large_yellow_circle: '🟡', yellow_circle: '🟡',
  large_green_circle: '🟢', green_circle: '🟢', large_blue_circle: '🔵', blue_circle: '🔵', white_circle: '⚪', black_circle: '⚫',
  large_purple_circle: '🟣', purple_circle: '🟣',
  inbox_tray: '📥', outbox_tray: '📤', hourglass: '⌛', hourglass_flowing_sand: '⏳', alarm_clock: '⏰', stopwatch: '⏱️',
  timer_clock: '⏲️', calendar: '📆', date: '📅', spiral_calendar_pad: '🗓️', gear: '⚙️', wrench: '🔧', hammer_and_wrench: '🛠️',
  tada: '🎉', sparkles: '✨', rocket: '🚀', checkered_flag: '🏁', dart: '🎯', construction: '🚧', traffic_light: '🚥',
  vertical_traffic_light: '🚦', thinking_face: '🤔', eyes: '👀', wave: '👋', zzz: '💤', robot_face: '🤖', bulb: '💡',
  information_source: 'ℹ️', question: '❓', exclamation: '❗', grey_question: '❔', bell: '🔔', no_bell: '🔕', mag: '🔍',
  mag_right: '🔎', clipboard: '📋', memo: '📝', pencil: '📝', pencil2: '✏️', page_facing_up: '📄', page_with_curl: '📃',
  file_folder: '📁', open_file_folder: '📂', card_file_box: '🗃️', card_index_dividers: '🗂️', floppy_disk: '💾', package: '📦',
  truck: '🚚', link: '🔗', lock: '🔒', unlock: '🔓', key: '🔑', shield: '🛡️', chart_with_upwards_trend: '📈',
  chart_with_downwards_trend: '📉', bar_chart: '📊', snail: '🐌', turtle: '🐢', arrows_counterclockwise: '🔄',
  arrows_clockwise: '🔃', repeat: '🔁', recycle: '♻️', leftwards_arrow_with_hook: '↩️', arrow_right_hook: '↪️', rewind: '⏪',
  fast_forward: '⏩', arrow_forward: '▶️', pause_button: '⏸️', stop_button: '⏹️', black_square_for_stop: '⏹️', arrow_right: '➡️',
  arrow_left: '⬅️', arrow_up: '⬆️', arrow_down: '⬇️', heavy_plus_sign: '➕', heavy_minus_sign: '➖', point_right: '👉',
  '+1': '👍', thumbsup: '👍', '-1': '👎', thumbsdown: '👎', ok: '🆗', new: '🆕', speech_balloon: '💬', broom: '🧹',
  line: '〰️', heavy_dollar_sign: '💲', hammer: '🔨', scissors: '✂️', bookmark: '🔖', pushpin: '📌', round_pushpin: '📍',
  cloud: '☁️', zap: '⚡', star: '⭐', sunny: '☀️', crescent_moon: '🌙', ghost: '👻', bug: '🐛', test_tube: '🧪',
  electric_plug: '🔌', satellite: '📡', hourglass_done: '⌛', raised_hands: '🙌', pray: '🙏', muscle: '💪', heart: '❤️',
  slightly_smiling_face: '🙂', smile: '😄', sweat_smile: '😅', cry: '😢', scream: '😱', sleeping: '😴', coffee: '☕',
};

/** `:name:` → the emoji, or undefined when the map lacks it. */
export function emojiFor(name: string): string | undefined {
  return Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined;
}
