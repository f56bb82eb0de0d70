// A file product's file: uploaded through the SDK's uploadFile, which reports the bytes sent (the
// browser path is XMLHttpRequest: fetch has no upload progress), moving a progress bar.
import { h } from '../dom.ts'
import { progressBar, type Progress } from '../progress.ts'
import { sx } from '../session.ts'
import { onSubmit } from '../forms.ts'
import { errorBox } from '../view.ts'
import { field, type Product } from './product-fields.ts'

const size = (bytes: number) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 ** 2
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${(bytes / 1024 ** 2).toFixed(1)} MiB`

/** Uploads `file` as `product`'s file, showing its progress and then what was stored. */
export async function uploadWithProgress(product: Pick<Product, 'id'>, file: File, progress: Progress) {
  progress.update(0, file.size, `Uploading ${file.name}…`)
  const answer = await sx().uploadFile({
    productId: product.id,
    file,
    onProgress: (sent, total) => progress.update(sent, total, `${size(sent)} of ${size(total)} sent`),
  })
  progress.finish(`Uploaded ${answer.file.name} (${size(answer.file.size)}).`)
  return answer
}

/** The file section of a file_download product's page: what buyers get now, and replacing it. */
export function fileForm(product: Product): HTMLFormElement {
  const current = h(
    'p',
    {},
    product.file
      ? `Buyers get ${product.file.name} (${size(product.file.size)}).`
      : 'No file yet: buyers get nothing until you upload one.',
  )
  const file = h('input', { id: 'product-file', type: 'file', required: true })
  const progress = progressBar('product-upload', 'Upload progress')
  const button = h('button', { type: 'submit' }, 'Upload file')
  const form = h('form', { class: 'card' }, h('h2', {}, 'File'), current, field('File', file), button, progress.element)
  onSubmit(
    form,
    button,
    async () => {
      const chosen = file.files?.[0]
      if (!chosen) return
      const answer = await uploadWithProgress(product, chosen, progress)
      current.textContent = `Buyers get ${answer.file.name} (${size(answer.file.size)}).`
      form.reset()
    },
    (error) => progress.finish(errorBox(error)),
  )
  return form
}
