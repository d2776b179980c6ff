// Optional backends: absent on machines where their install fails; loaded through dynamic import().
declare module '@tensorflow/tfjs-node' {
  export * from '@tensorflow/tfjs'
}
declare module '@tensorflow/tfjs-node-gpu' {
  export * from '@tensorflow/tfjs'
}
