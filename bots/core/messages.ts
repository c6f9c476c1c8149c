/** The core's own strings (errors, instructions). Commands keep their strings beside them. */
import type { Localized } from './locale.js';

export const MESSAGES = {
  unknownCommand: {
    id: 'Perintah /{command} tidak dikenal. Ketik /help untuk daftar perintah.',
    en: 'Unknown command /{command}. Type /help for the list of commands.',
  },
  notACommand: {
    id: 'Saya hanya mengerti perintah yang diawali "/". Ketik /help untuk daftar perintah.',
    en: 'I only understand commands starting with "/". Type /help for the list of commands.',
  },
  usage: { id: 'Cara pakai: {usage}', en: 'Usage: {usage}' },
  example: { id: 'Contoh: {example}', en: 'Example: {example}' },
  badArgument: { id: '{field}: {reason}', en: '{field}: {reason}' },
  tooManyArguments: { id: 'terlalu banyak argumen', en: 'too many arguments' },
  missingArgument: { id: 'wajib diisi', en: 'required' },
  notLinked: {
    id: 'Akun chat ini belum terhubung ke SmartWealth.\n1. Buat kode di aplikasi atau API: POST /api/chat/link-code\n2. Kirim di sini: /link KODE\nKode berlaku 10 menit dan hanya sekali pakai.',
    en: 'This chat account is not linked to SmartWealth yet.\n1. Create a code in the app or the API: POST /api/chat/link-code\n2. Send it here: /link CODE\nThe code is valid for 10 minutes and works once.',
  },
  rateLimited: {
    id: 'Terlalu banyak perintah. Coba lagi dalam {seconds} detik.',
    en: 'Too many commands. Try again in {seconds} seconds.',
  },
  buttonUsed: { id: 'Tombol ini sudah dipakai.', en: 'This button has already been used.' },
  buttonExpired: {
    id: 'Tombol ini sudah kedaluwarsa. Ulangi perintahnya.',
    en: 'This button has expired. Please run the command again.',
  },
  buttonNotYours: { id: 'Tombol ini bukan untuk Anda.', en: 'This button is not for you.' },
  sentPrivately: {
    id: 'Jawaban berisi data pribadi, jadi saya kirim lewat pesan langsung.',
    en: 'The answer contains private data, so I sent it to you directly.',
  },
  startPrivateChat: {
    id: 'Jawaban ini berisi data pribadi. Buka chat pribadi dengan @{bot}, tekan Start, lalu ulangi perintahnya.',
    en: 'This answer contains private data. Open a private chat with @{bot}, press Start, then repeat the command.',
  },
  fileNotSupported: {
    id: 'Saya tidak bisa membaca berkas "{name}". Kirim mutasi rekening sebagai CSV, XLSX atau PDF, atau ketik /help.',
    en: 'I cannot read the file "{name}". Send a bank statement as CSV, XLSX or PDF, or type /help.',
  },
  fileTooLarge: {
    id: 'Berkas "{name}" terlalu besar (maksimal {max} MB). Pecah per bulan, atau unggah lewat aplikasi/API.',
    en: 'The file "{name}" is too large (at most {max} MB). Split it by month, or upload it through the app or API.',
  },
  fileDownloadFailed: {
    id: 'Berkas "{name}" tidak bisa diambil dari chat. Coba kirim ulang sebentar lagi.',
    en: 'The file "{name}" could not be fetched from the chat. Please send it again shortly.',
  },
  notFound: { id: '{what} tidak ditemukan.', en: '{what} not found.' },
  conflict: { id: 'Tidak bisa dilakukan sekarang: {reason}', en: 'That cannot be done now: {reason}' },
  invalid: { id: 'Ada isian yang salah: {reason}', en: 'Something in the input is wrong: {reason}' },
  providerDown: {
    id: 'Layanan pembayaran sedang tidak bisa dihubungi. Coba lagi beberapa menit lagi.',
    en: 'The payment provider cannot be reached right now. Try again in a few minutes.',
  },
  internal: {
    id: 'Maaf, ada gangguan di sisi kami (ref {ref}). Coba lagi sebentar lagi.',
    en: 'Sorry, something went wrong on our side (ref {ref}). Please try again shortly.',
  },
} satisfies Record<string, Localized>;
