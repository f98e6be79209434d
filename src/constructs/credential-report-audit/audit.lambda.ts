// Placeholder: the credential-report audit handler lands here (issue 4).
export async function handler(): Promise<void> {
  return;
}
